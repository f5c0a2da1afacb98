import type {
  Logger,
  StateSyncError,
  Subscribable,
  SyncErrorContext,
  SyncStatus,
  Timers,
  Unsubscribe,
} from '@statesync/core';
import type { Draft } from 'mutative';
import type { SharedMode, SharedRole, ShareOptions } from './share-options.js';

export type {
  AutoShareOptions,
  ClientConnector,
  ClientShareOptions,
  LocalShareOptions,
  ServerShareOptions,
  ServerTransport,
  SharedMode,
  SharedRole,
  SharedStorage,
  SharedTabShareOptions,
  SharedWorkerConstructor,
  SharedWorkerLike,
  ShareOptions,
  WorkerMode,
} from './share-options.js';

/**
 * An action of a store: changes `draft` with ordinary mutable code and may return a value for
 * the caller. It runs on the authority only, synchronously, all or nothing: if it throws, the
 * state is left as it was.
 */
export type Action<S> = (draft: Draft<S>, ...args: never[]) => unknown;

/** A store: its name, how to build its initial state, and its actions. */
export interface StoreDefinition<S extends object, A> {
  /** Unique within an app; the store's topic is `<app name>/<store name>`. */
  readonly name: string;
  /** Builds the initial state: a plain object (or array) of structured-cloneable data. */
  readonly state: () => S;
  readonly actions: A;
  /**
   * The actions a client runs at once on its own copy, shown until the authority answers (see
   * `defineStore`); absent when there are none.
   */
  readonly optimistic?: readonly string[] | undefined;
}

/** Any store definition, whatever its state and actions. */
export type AnyStoreDefinition = StoreDefinition<
  object,
  Record<string, (draft: never, ...args: never[]) => unknown>
>;

/** The state type of a store definition. */
export type StateOf<D> = D extends { state: () => infer S } ? S : never;

/** The actions of a store definition. */
export type ActionsOf<D> = D extends { actions: infer A } ? A : never;

/** The names of a store's actions. */
export type ActionName<D> = Extract<keyof ActionsOf<D>, string>;

/** The arguments of an action, after the draft. */
export type ActionArgs<D, K extends ActionName<D>> = ActionsOf<D>[K] extends (
  draft: never,
  ...args: infer P
) => unknown
  ? P
  : never;

/** What an action returns, and so what `spawn` resolves with. */
export type ActionResult<D, K extends ActionName<D>> = ActionsOf<D>[K] extends (
  ...args: never[]
) => infer R
  ? R
  : never;

/**
 * A store's actions as methods: each takes the action's arguments (after the draft) and runs it
 * on the authority exactly as `spawn(handle, name, args)` does, with the same guarantees.
 */
export type BoundActions<D> = {
  readonly [K in ActionName<D>]: (...args: ActionArgs<D, K>) => Promise<ActionResult<D, K>>;
};

/**
 * A store as one app sees it: on a client, the mirror of the authority's state; on the
 * authority, the state itself. Its state is immutable: every change makes a new object, and
 * parts that did not change keep their identity, so selectors can compare by reference. This
 * `{ getState, subscribe }` shape is what framework bindings consume.
 */
export interface StoreHandle<D extends AnyStoreDefinition = AnyStoreDefinition>
  extends Subscribable<StateOf<D>> {
  readonly name: string;
  readonly definition: D;
  /**
   * How far this copy is: its revision and epoch, syncing or synced, the last error. Across a
   * change of link the revision and epoch stay those of what the copy shows.
   */
  readonly status: Subscribable<SyncStatus>;
  /**
   * The store's actions as methods: `await todos.actions.add('milk')` is
   * `await spawn(todos, 'add', ['milk'])`.
   */
  readonly actions: BoundActions<D>;
}

/** Where an app stands now; `app.status` changes when a tab is elected or a link is replaced. */
export interface SharedAppStatus {
  mode: SharedMode;
  role: SharedRole;
  /** This app instance's id, as the authority's logs and direct-channel handlers see it. */
  clientId: string;
  /** Whether the authority is reachable now (always true on the authority itself). */
  connected: boolean;
  /** Set when the mode asked for failed to start and `mode` is the one fallen back to. */
  fallback?: { from: SharedMode; reason: string };
}

/** Where something went wrong, for `onError`. */
export type SharedErrorPhase =
  /** A malformed or unexpected message was dropped. */
  | 'message'
  /** The handshake failed: refused by the authority, or it never answered. */
  | 'connect'
  /** A direct-channel handler, an `onServer`/`onClient` callback or its disposer threw. */
  | 'listener'
  /** A store's mirror failed to sync (see `sync` for the engine's own context). */
  | 'sync'
  /** The mode asked for failed to start; the app runs in the next one (`app.status.fallback`). */
  | 'fallback';

export interface SharedErrorContext {
  phase: SharedErrorPhase;
  error: StateSyncError;
  /** The store concerned, when there is one. */
  store?: string;
  /** For `sync`: the revision engine's report. */
  sync?: SyncErrorContext;
  /** For `message`: the message as received. */
  message?: unknown;
}

/** The authority's end of the direct channel (inside `onServer`). */
export interface ServerChannel {
  /**
   * Sends to every connected client; resolves with the answers of those that listen to `name`
   * (clients that answer with an error, or not within `callTimeoutMs`, are left out and
   * reported).
   */
  emit(name: string, payload?: unknown): Promise<unknown[]>;
  /** Answers clients' `emit(name)`; the handler's return value (or promise) is the answer. */
  listen(
    name: string,
    handler: (payload: unknown, from: { clientId: string }) => unknown,
  ): Unsubscribe;
}

/** A client's end of the direct channel (inside `onClient`). */
export interface ClientChannel {
  /** Asks the authority's `listen(name)` handler; resolves with its answer. */
  emit(name: string, payload?: unknown): Promise<unknown>;
  /** Answers the authority's `emit(name)`. */
  listen(name: string, handler: (payload: unknown) => unknown): Unsubscribe;
}

/** A function an `onServer`/`onClient` callback may return, run when that role ends. */
export type Disposer = () => void;

export interface SharedAppOptions {
  /** The stores this app starts with; more can be added later with `addStore`. */
  stores: readonly AnyStoreDefinition[];
  share: ShareOptions;
  /** Receives warnings (such as a fallback to Local) and debug lines. @default console, without debug lines */
  logger?: Logger;
  /** Told about every problem that does not reject a caller's promise. */
  onError?(context: SharedErrorContext): void;
  /** How long `spawn` and `emit` wait for the authority before rejecting with `timeout`. @default 10000 */
  callTimeoutMs?: number;
  /** Timers for timeouts and the engine; inject a virtual clock in tests. @default the platform's */
  timers?: Timers;
  /**
   * Development checks: every store's state in this app is frozen, so code that mutates it
   * throws at once, and the authority warns (with the path) about an action whose patch
   * replaced a big subtree where a few values changed.
   * @default true, unless the build sets `process.env.NODE_ENV` to `'production'`
   */
  development?: boolean;
}

/** A running shared app: the same handle on the authority, on a client and in Local mode. */
export interface SharedApp {
  readonly name: string;
  /** The mode in use; a SharedWorker client that could not start its worker reports `Local`. */
  readonly mode: SharedMode;
  readonly role: SharedRole;
  /** Mode, role and connection, observable: what a status bar shows. */
  readonly status: Subscribable<SharedAppStatus>;
  /**
   * Resolves once the app can serve: on a client, connected and every store's first snapshot
   * applied (a late joiner has the full current state before its first render).
   */
  readonly ready: Promise<void>;
  /** The handle of a store of this app, for `spawn` and for bindings. */
  store<D extends AnyStoreDefinition>(definition: D): StoreHandle<D>;
  /** Adds a store at run time (a lazily loaded module); resolves once it is synced. */
  addStore<D extends AnyStoreDefinition>(definition: D): Promise<StoreHandle<D>>;
  /** Runs `setup` while this app is the authority; its returned disposer when that ends. */
  onServer(setup: (channel: ServerChannel) => undefined | Disposer): Unsubscribe;
  /** Runs `setup` while this app is a client; its returned disposer when that ends. */
  onClient(setup: (channel: ClientChannel) => undefined | Disposer): Unsubscribe;
  /**
   * The direct channel of this app's main role: a client's (in Local mode too), else the
   * authority's. On a client it resolves with the authority's answer, on the authority with
   * the list of the clients' answers.
   */
  emit(name: string, payload?: unknown): Promise<unknown>;
  listen(name: string, handler: (payload: unknown) => unknown): Unsubscribe;
  /** Leaves: stops syncing, rejects pending calls with `stopped`, runs disposers. Idempotent. */
  dispose(): Promise<void>;
}
