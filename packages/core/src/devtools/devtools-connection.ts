/**
 * The shape of Redux DevTools' `connect` API, as its extension documents it
 * (`window.__REDUX_DEVTOOLS_EXTENSION__.connect(options)`). Code without a page passes a function
 * of the same shape. Types and one lookup: nothing here talks to a panel.
 */

/** What the panel sends to `subscribe` listeners; statesync acts on `DISPATCH` only. */
export interface DevtoolsMessage {
  type: string;
  /** For `DISPATCH`: the monitor command, e.g. `{ type: 'JUMP_TO_ACTION', actionId: 3 }`. */
  payload?: unknown;
  /** For jumps and rollbacks: the target state, as the panel serialised it (JSON text). */
  state?: unknown;
  [key: string]: unknown;
}

/** One connection to a DevTools panel: one instance in its list. */
export interface DevtoolsConnection {
  /** Starts the panel's history over at `state`. */
  init(state: unknown, liftedState?: unknown): void;
  /** One action and the state after it; with `action` null, `state` is the lifted state. */
  send(action: unknown, state: unknown): void;
  /** Hears the panel's commands; returns a function that stops listening (where it does). */
  subscribe(listener: (message: DevtoolsMessage) => void): unknown;
  /** Stops every listener of this connection. */
  unsubscribe?(): void;
  /** Shows an error in the panel. */
  error?(message: string): void;
}

/** Options of `connect` that statesync sets; any other option of the panel passes through. */
export interface DevtoolsConnectOptions {
  /** The instance's name in the panel. */
  name?: string;
  /** How many actions the panel keeps. */
  maxAge?: number;
  /** Which buttons the panel offers. */
  features?: Record<string, boolean | string>;
  [option: string]: unknown;
}

/** `connect` of the extension, or anything of its shape (a relay to a remote panel, a stand-in). */
export type DevtoolsConnect = (options: DevtoolsConnectOptions) => DevtoolsConnection;

interface ExtensionGlobal {
  __REDUX_DEVTOOLS_EXTENSION__?: { connect: DevtoolsConnect };
}

/** The extension's `connect` in this window, or undefined when the extension is not there. */
export function extensionConnect(): DevtoolsConnect | undefined {
  const extension = (globalThis as ExtensionGlobal).__REDUX_DEVTOOLS_EXTENSION__;
  if (typeof extension?.connect !== 'function') return undefined;
  return (options) => extension.connect(options);
}

/** The features statesync implements: everything but reordering and dispatching from the panel. */
export const DEVTOOLS_FEATURES: Record<string, boolean | string> = {
  pause: true,
  lock: false,
  persist: false,
  export: true,
  import: 'custom',
  jump: true,
  skip: true,
  reorder: false,
  dispatch: false,
  test: false,
};
