import type { StateSyncError } from './errors.js';

/** Names one synchronised resource, e.g. `'settings'`. Domain names age better than UI names. */
export type Topic = string;

/**
 * A canonical unsigned 64-bit decimal string: `"0"`, `"17"`, at most `"18446744073709551615"`,
 * no sign and no leading zeros. Compared by length, then lexicographically.
 */
export type Revision = string;

/** Identifies one life of an authority. A new epoch means the revision counter may have restarted. */
export type Epoch = string;

export type Unsubscribe = () => void;

/** One JSON-patch-like operation; `path` is a list of object keys and array indexes. */
export interface PatchOp {
  op: 'add' | 'replace' | 'remove';
  path: readonly (string | number)[];
  value?: unknown;
}

/** The change from revision `base` to the revision of the event that carries it. */
export interface Delta {
  base: Revision;
  ops: readonly PatchOp[];
}

/** "Something changed on the authority": the client pulls a snapshot unless it is already as new. */
export interface InvalidationEvent {
  topic: Topic;
  revision: Revision;
  epoch?: Epoch;
  /** Who caused the change, so a window can recognise its own writes. */
  sourceId?: string;
  timestampMs?: number;
  /** When present and `base` equals the client's revision, the ops are applied without a fetch. */
  delta?: Delta;
}

/** The canonical state of a topic at one revision. */
export interface SnapshotEnvelope<T> {
  revision: Revision;
  epoch?: Epoch;
  data: T;
}

/** A delta the engine hands to {@link SnapshotApplier.applyPatch}. */
export interface PatchEnvelope {
  base: Revision;
  revision: Revision;
  epoch?: Epoch;
  ops: readonly PatchOp[];
}

/** Delivers invalidation events. May resolve asynchronously (e.g. Tauri's `listen`). */
export interface InvalidationSubscriber {
  subscribe(handler: (event: InvalidationEvent) => void): Unsubscribe | Promise<Unsubscribe>;
}

export interface SnapshotRequest {
  topic: Topic;
  /** Aborted when the engine times out or stops; pass it to `fetch` and friends. */
  signal: AbortSignal;
}

/** A revision and the epoch it belongs to, without data. */
export interface RevisionStamp {
  revision: Revision;
  epoch?: Epoch;
}

/** Reads the canonical snapshot from the authority. */
export interface SnapshotProvider<T> {
  getSnapshot(request: SnapshotRequest): Promise<SnapshotEnvelope<T>>;
  /**
   * Optional cheap probe for the authority's current revision. When local state was hydrated
   * (from storage, or `initialRevision`), `start()` asks it first and pulls a snapshot only if
   * the authority is ahead.
   */
  getRevision?(request: SnapshotRequest): Promise<RevisionStamp>;
}

/** Writes snapshots (and, optionally, deltas) into local state. Calls never overlap. */
export interface SnapshotApplier<T> {
  apply(snapshot: SnapshotEnvelope<T>): void | Promise<void>;
  /** Applies a delta in place. Without it, every change is pulled as a snapshot. */
  applyPatch?(patch: PatchEnvelope): void | Promise<void>;
  /**
   * Restores state kept from an earlier session (e.g. storage) and returns its revision.
   * `start()` awaits it before the first fetch, so the engine starts from that revision.
   */
  hydrate?(): RevisionStamp | undefined | Promise<RevisionStamp | undefined>;
  /**
   * Tells the engine about revisions the applier reached on its own (e.g. a snapshot another
   * tab sent), so they are not fetched again. Revisions of the epoch the engine holds are
   * adopted; one of another epoch counts as an announcement, which the engine pulls to confirm.
   * `start()` subscribes and `stop()` unsubscribes.
   */
  watchRevision?(listener: (stamp: RevisionStamp) => void): Unsubscribe;
}

export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
  /** Returns a logger that adds `tags` to every line. Used by `tagLogger` when present. */
  child?(tags: Record<string, unknown>): Logger;
}

/** Where in the sync cycle an error happened. */
export type SyncPhase =
  | 'start'
  | 'subscribe'
  | 'invalidation'
  | 'refresh'
  | 'snapshot'
  | 'apply'
  | 'patch'
  | 'protocol';

export interface SyncErrorContext {
  phase: SyncPhase;
  topic: Topic;
  error: StateSyncError;
  localRevision?: Revision;
  eventRevision?: Revision;
  snapshotRevision?: Revision;
  sourceId?: string;
  /** The raw event or snapshot that failed validation, for `protocol` errors. */
  sourceEvent?: unknown;
  /** 1-based attempt number of a snapshot fetch. */
  attempt?: number;
  willRetry?: boolean;
  nextDelayMs?: number;
}

/** Timers and clock the engine uses; inject them to make tests deterministic. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface ThrottlingOptions {
  /** Wait until invalidations have been quiet this long before fetching. @default 0 */
  debounceMs?: number;
  /** Fetch at most once per window of this length. @default 0 */
  throttleMs?: number;
  /** Fetch on the first invalidation of a burst. @default true for throttle, false for debounce */
  leading?: boolean;
  /** Fetch once more at the end of a burst. @default true */
  trailing?: boolean;
  /** Upper bound on how long debouncing may postpone a fetch. @default Infinity */
  maxWaitMs?: number;
}

export interface RetryOptions {
  /** Attempts per fetch, the first included. @default 3 */
  maxAttempts?: number;
  /** Delay before the second attempt. @default 200 */
  initialDelayMs?: number;
  /** @default 10000 */
  maxDelayMs?: number;
  /** Growth of the delay per attempt. @default 2 */
  factor?: number;
  /** Fraction of the delay randomised, 0..1 (full jitter at 1). @default 0.5 */
  jitter?: number;
}

export type SyncState = 'idle' | 'syncing' | 'synced' | 'error';

export interface SyncStatus {
  state: SyncState;
  localRevision: Revision | undefined;
  epoch: Epoch | undefined;
  lastError: StateSyncError | undefined;
  /** `Timers.now()` of the last applied snapshot or delta. */
  lastAppliedAt: number | undefined;
}

/** A value that changes over time: the shape framework bindings consume. */
export interface Subscribable<T> {
  getState(): T;
  subscribe(listener: (state: T) => void): Unsubscribe;
}

/**
 * The one interface every transport implements (BroadcastChannel, MessagePort, Tauri, ...).
 * A transport delivers each sent message to the other ends, never back to the sender.
 */
export interface Transport<M = unknown> {
  send(message: M): void;
  /** Opens the underlying port lazily on the first listener. */
  subscribe(listener: (message: M) => void): Unsubscribe;
  /** Closes the port; further sends throw a `stopped` error. Idempotent. */
  close(): void;
}
