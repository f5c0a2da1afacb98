import type {
  Epoch,
  Logger,
  Revision,
  RevisionStamp,
  SnapshotApplier,
  SnapshotEnvelope,
  StateSyncError,
  Timers,
  Transport,
  Unsubscribe,
} from '@statesync/core';

/** What is stored next to the data, on every backend. */
export interface PersistedMeta {
  revision: Revision;
  epoch?: Epoch;
  /** The `schemaVersion` of the app that wrote the record. */
  schemaVersion: number;
  /** `Date.now()` (or the injected clock) when the record was written. */
  savedAt: number;
}

/** One stored snapshot: the data and its metadata, always written together. */
export interface PersistedRecord<T = unknown> {
  meta: PersistedMeta;
  data: T;
}

/**
 * Decides, from the metadata of the record stored right now, whether a save may replace it.
 * The persistence applier passes one to every save; it refuses to replace a newer revision.
 */
export type SaveGuard = (stored: PersistedMeta) => boolean;

/**
 * Where snapshots are kept. Three methods; implement them to persist anywhere.
 *
 * - `load` resolves `undefined` when nothing is stored, and rejects with a `StateSyncError`
 *   (`code: 'storage'`) when what is stored cannot be read (corrupt, foreign, unavailable).
 * - `save` replaces the stored record as a whole, or rejects and leaves the old one in place.
 *   When a readable record is stored, it first asks `guard` with that record's metadata and
 *   writes nothing if the answer is `false`, resolving `false`. Read and write should be one
 *   atomic step (one IndexedDB transaction, one synchronous task), so that two tabs saving at
 *   once cannot put an older revision over a newer one.
 * - `clear` removes the stored record.
 *
 * Metadata checks, TTL and migrations are done by the persistence applier, so a custom backend
 * gets them for free.
 */
export interface StorageBackend<T = unknown> {
  load(): Promise<PersistedRecord<T> | undefined>;
  save(record: PersistedRecord<T>, guard?: SaveGuard): Promise<boolean | undefined>;
  clear(): Promise<void>;
  /**
   * Optional: `true` when every tab of the origin reads the same record (localStorage,
   * IndexedDB). Snapshots received from other tabs are then not saved again: the tab that
   * applied them saves them.
   */
  readonly shared?: boolean;
  /**
   * Optional: calls `listener` when another tab replaced the stored record (the `storage`
   * event of Web Storage). Cross-tab sync falls back to it when BroadcastChannel is missing.
   */
  watch?(listener: (record: PersistedRecord<T>) => void): Unsubscribe;
}

/** Why a persistence operation failed; carried by {@link PersistenceErrorContext}. */
export type PersistenceOperation =
  | 'load'
  | 'migrate'
  | 'save'
  | 'clear'
  | 'apply'
  | 'broadcast'
  | 'receive';

export interface PersistenceErrorContext {
  operation: PersistenceOperation;
  /** The revision being saved, applied or loaded, when known. */
  revision?: Revision;
}

export interface CrossTabSyncOptions {
  /** Name of the BroadcastChannel the tabs share; one per topic. */
  channelName: string;
  /** Apply snapshots other tabs send, when newer than what this tab holds. @default true */
  receiveUpdates?: boolean;
  /** Send every snapshot this tab applies to the other tabs. @default true */
  broadcastSaves?: boolean;
  /** Ask the other tabs for their state when this tab hydrates. @default true */
  requestOnStart?: boolean;
  /**
   * The transport to use instead of a BroadcastChannel named `channelName`. When neither it nor
   * BroadcastChannel exists, updates arrive through the backend's `watch` (the `storage` event).
   */
  transport?: Transport<unknown>;
}

export interface SaveThrottlingOptions {
  /** Wait until applies have been quiet this long before saving. @default 0 */
  debounceMs?: number;
  /** Never postpone a save longer than this while applies keep coming. @default 1000 */
  maxWaitMs?: number;
}

/** Migrates data one schema version up; `migrations[n]` turns version n-1 data into version n. */
export type Migration = (data: unknown) => unknown | Promise<unknown>;

export interface PersistenceApplierOptions<T> {
  /**
   * Where snapshots are kept. `T` comes from `applier`, so `createLocalStorageBackend({ key })`
   * needs no type argument: stored data is whatever this app saved earlier (migrations cover
   * older shapes), not something a backend can check.
   */
  storage: StorageBackend<NoInfer<T>> | StorageBackend<unknown>;
  /** The applier that writes into your state (store, signal, DOM...). */
  applier: SnapshotApplier<T>;
  crossTabSync?: CrossTabSyncOptions;
  /** Rate-limits saves. Without it every apply is saved, one save at a time, newest first. */
  throttling?: SaveThrottlingOptions;
  /** Version of the shape of `T`, stored with the data. @default 1 */
  schemaVersion?: number;
  /** Upgrades stored data written by older schema versions. */
  migrations?: Readonly<Record<number, Migration>>;
  /**
   * Stored data older than this is not hydrated, and is removed. A record saved in the future
   * (by this clock) is reported as `corrupt` and not hydrated. @default Infinity
   */
  ttlMs?: number;
  /**
   * Limit on each wait for the storage backend (`load`, `save`, `clear`) and for the inner
   * applier. One that does not settle in time fails with a `timeout` error (reported like any
   * failure), so hydration, later applies, `clear()` and `dispose()` never wait for ever.
   * A late outcome is dropped; a late save still goes through its guard. `Infinity` removes the
   * limit, and with it that guarantee: `dispose()` then waits on a save as long as it runs.
   * @default 10000
   */
  timeoutMs?: number;
  /** Every failure lands here as a `StateSyncError`; state in memory is never touched by one. */
  onPersistenceError?(error: StateSyncError, context: PersistenceErrorContext): void;
  logger?: Logger;
  /** @default the platform's timers and Date.now */
  timers?: Timers;
}

/** What the applier did, in order. */
export type PersistenceEvent =
  | { type: 'hydrated'; revision: Revision; epoch?: Epoch; migratedFrom?: number }
  | { type: 'expired'; savedAt: number }
  | { type: 'saved'; revision: Revision; epoch?: Epoch }
  | { type: 'save-skipped'; revision: Revision; storedRevision: Revision }
  | { type: 'received'; revision: Revision; epoch?: Epoch; applied: boolean }
  | { type: 'error'; error: StateSyncError; context: PersistenceErrorContext };

export interface PersistenceStats {
  applies: number;
  patches: number;
  saves: number;
  savesSkipped: number;
  saveErrors: number;
  broadcastsSent: number;
  broadcastsReceived: number;
  broadcastsApplied: number;
  hydrated: boolean;
}

export interface PersistenceApplier<T> extends SnapshotApplier<T> {
  /**
   * Loads the stored snapshot (migrated, unexpired) into the inner applier once; later calls
   * return the same promise. The revision engine calls it on `start()`; call it yourself to show
   * stored state before the first render.
   */
  hydrate(): Promise<RevisionStamp | undefined>;
  /** The snapshot this tab holds, from any source; `undefined` before the first one. */
  getSnapshot(): SnapshotEnvelope<T> | undefined;
  /** Saves anything pending now and resolves when storage holds it. */
  flush(): Promise<void>;
  /** Closes the channel and stops saving; flushes a pending save first unless `flush: false`. */
  dispose(options?: { flush?: boolean }): Promise<void>;
  /** Removes the stored record (state in memory stays). */
  clear(): Promise<void>;
  /** Listens to {@link PersistenceEvent}s. */
  subscribe(listener: (event: PersistenceEvent) => void): Unsubscribe;
  /** Counters since creation. */
  getStats(): Readonly<PersistenceStats>;
}
