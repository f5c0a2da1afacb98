// The options of `createSharedApp`'s `share`: which mode, and what each mode needs.
import type { Transport, Unsubscribe } from '@statesync/core';

/** Accepts client links on the authority's side, e.g. the ports of a SharedWorker's `connect` events. */
export interface ServerTransport {
  /** Calls `onConnection` with a transport for every client that connects; returns stop. */
  accept(onConnection: (transport: Transport) => void): Unsubscribe;
  /**
   * What the links carry: `'json'` (extension ports) cannot carry cycles, typed arrays or class
   * instances, and the authority refuses such changes. @default 'structured-clone'
   */
  readonly medium?: 'structured-clone' | 'json';
}

/**
 * Opens links to an authority that may go away and come back: a service worker the browser
 * stopped and restarted, an extension's background worker that was woken again. The app calls
 * `connect` to open a link; the connector calls `onLost` once when that link is gone for good
 * (the port disconnected, the worker announced a restart). The app then connects again, says
 * hello, resyncs every store by revision and re-sends the calls still in flight with their ids.
 */
export interface ClientConnector {
  connect(onLost: (reason: string) => void): Transport;
}

/** What a page needs of `SharedWorker`: the browser's constructor, or a stand-in in tests. */
export interface SharedWorkerLike {
  readonly port: MessagePort;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  removeEventListener(type: 'error', listener: (event: Event) => void): void;
}

export type SharedWorkerConstructor = new (
  url: string | URL,
  options: { name: string; type: 'module' },
) => SharedWorkerLike;

interface ShareCommon {
  /** The app's name: names the SharedWorker and prefixes every topic (`<name>/<store>`). */
  name: string;
  /**
   * The app's build version. A client whose version differs from the authority's is refused
   * (after a deploy, an old worker or tab may still be running): it falls back to `Local` mode,
   * or with `transport`, its `ready` rejects. @default '0'
   */
  version?: string;
  /**
   * A page whose mode fails to start (the worker script does not load, the authority is
   * another app or version, no leader answers) rejects `ready` instead of falling back to the
   * next mode. Without it, every fallback is reported to `onError` (phase `fallback`) and
   * shown in `app.status.fallback`. @default false
   */
  strict?: boolean;
}

/**
 * Where an authority keeps a copy of every store, so that state survives the authority: a new
 * leader tab, or a worker the browser restarted, starts from it. Values are structured-cloned
 * records; `createIndexedDBStorage` is one.
 */
export interface SharedStorage {
  get(key: string): unknown | Promise<unknown>;
  set(key: string, value: unknown): void | Promise<void>;
}

/**
 * Where the authority runs when it is not a tab: a `SharedWorker`, a `ServiceWorker`, a page's
 * dedicated `Worker`, a page whose frames and opened windows are its clients (`Window`), or an
 * extension's background (`Extension`).
 */
export type WorkerMode = 'SharedWorker' | 'ServiceWorker' | 'Worker' | 'Window' | 'Extension';

/** The authority, e.g. inside the SharedWorker script. */
export interface ServerShareOptions extends ShareCommon {
  port: 'server';
  type: WorkerMode;
  /** Where clients come from. @default the mode's own: `connect` events, messages, ports */
  transport?: ServerTransport;
  /** Keeps every store there and starts from it (a restarted service worker recovers so). */
  storage?: SharedStorage;
  /**
   * `Window` only, and required there: the origins whose frames and windows may connect,
   * exactly as browsers write them (`'https://app.example.com'`); `'*'` is refused.
   */
  allowedOrigins?: readonly string[];
}

/** A page (a client) of an app whose authority runs elsewhere. */
export interface ClientShareOptions extends ShareCommon {
  port: 'client';
  type: WorkerMode;
  /**
   * The authority's script, for `SharedWorker`, `ServiceWorker` and `Worker`: a build of an
   * entry that calls `createSharedApp` with `port: 'server'`.
   */
  workerURL?: string | URL;
  /**
   * A link to the authority to use instead of the mode's own (tests, custom media). There is
   * no fallback then: if the authority does not answer, `ready` rejects.
   */
  transport?: Transport;
  /**
   * Opens links to an authority that may restart (a service worker, an extension's
   * background): when a link is lost, the app connects again, resyncs and re-sends its calls.
   */
  connector?: ClientConnector;
  /** The constructor to start the worker with. @default globalThis.SharedWorker */
  SharedWorker?: SharedWorkerConstructor;
  /** `Window` only, and required there: the origin of the window running the authority. */
  targetOrigin?: string;
  /** `Window` only: the window running the authority. @default window.parent, else window.opener */
  target?: { postMessage(message: unknown, targetOrigin: string, transfer: Transferable[]): void };
  /** How long to wait for the authority's welcome before giving up on it. @default 5000 */
  startTimeoutMs?: number;
}

/** Options of the modes where the tabs elect their authority among themselves. */
interface TabElectionShare {
  /** Keeps every store there; a newly elected tab recovers from it too. */
  storage?: SharedStorage;
  /**
   * How long to wait for another tab that leads before falling back to `Local`. This tab's own
   * election and recovery do not count; without Web Locks the wait starts once a leader beats.
   * @default 5000
   */
  startTimeoutMs?: number;
  /** Web Locks for the election and for noticing closed tabs. @default navigator.locks */
  locks?: LockManager;
  /** @default globalThis.BroadcastChannel */
  BroadcastChannel?: typeof BroadcastChannel;
}

/**
 * Every tab runs the same code; the tabs elect one (with Web Locks) to be the authority and
 * the others are its clients. When the leader closes, another tab takes over with the newest
 * state. For browsers without SharedWorker.
 */
export interface SharedTabShareOptions extends ShareCommon, TabElectionShare {
  type: 'SharedTab';
  /** Ignored, so that switching `type` is a one-word change. */
  port?: 'server' | 'client';
  /** Ignored, so that switching `type` is a one-word change. */
  workerURL?: string | URL;
}

/**
 * The best mode this browser has: `SharedWorker` (with `workerURL`), else `SharedTab`, else
 * `Local`; also falls down that ladder when a mode fails to start. `app.mode` says which.
 */
export interface AutoShareOptions extends ShareCommon, TabElectionShare {
  type: 'Auto';
  /** Ignored, so that switching `type` is a one-word change. */
  port?: 'client';
  /** The SharedWorker script; without it, the ladder starts at `SharedTab`. */
  workerURL?: string | URL;
  /** @default globalThis.SharedWorker */
  SharedWorker?: SharedWorkerConstructor;
}

/** One page on its own: authority and client in the same page, nothing shared. */
export interface LocalShareOptions extends ShareCommon {
  type: 'Local';
  /** Ignored, so that switching `type` is a one-word change. */
  port?: 'server' | 'client';
  /** Ignored, so that switching `type` is a one-word change. */
  workerURL?: string | URL;
}

export type ShareOptions =
  | ServerShareOptions
  | ClientShareOptions
  | SharedTabShareOptions
  | AutoShareOptions
  | LocalShareOptions;

/** The runtime mode in use: the one chosen, or the one fallen back to. */
export type SharedMode = WorkerMode | 'SharedTab' | 'Local';

/**
 * Which side an app runs: `server` is an authority without a UI (a worker), `client` renders a
 * mirror, `local` is both in one page, and `leader` is the tab elected in `SharedTab` mode: the
 * authority of every tab and a client of itself.
 */
export type SharedRole = 'server' | 'client' | 'local' | 'leader';
