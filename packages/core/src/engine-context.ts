import type { StateSyncError } from './errors.js';
import type { RetryPolicy } from './retry.js';
import type { RevisionGate } from './revision-gate.js';
import type { SyncStatusStore } from './sync-status.js';
import type {
  Epoch,
  InvalidationEvent,
  Logger,
  Revision,
  SnapshotApplier,
  SnapshotProvider,
  SyncErrorContext,
  SyncPhase,
  ThrottlingOptions,
  Timers,
  Topic,
} from './types.js';

/** Tells the logger and `onError` about one failure of the engine. */
export type Report = (
  phase: SyncPhase,
  error: StateSyncError,
  extra: Partial<SyncErrorContext>,
) => void;

/**
 * What the parts of one engine (apply queue, fetch loop, invalidation handler, hydration)
 * share: its settings, its state and the few ways to change it. Declared once; the engine
 * builds it and every part takes it whole.
 */
export interface EngineContext<T> {
  readonly topic: Topic;
  readonly provider: SnapshotProvider<T>;
  /** Read on every event: whether events carrying a delta can be patched in. */
  readonly applier: SnapshotApplier<T>;
  readonly shouldRefresh: ((event: InvalidationEvent) => boolean) | undefined;
  /** Per-attempt limit for `getSnapshot`/`getRevision`, and the limit for `subscribe`. */
  readonly timeoutMs: number;
  /** Limit for each `apply`, `applyPatch` and `hydrate` that returns a promise. */
  readonly applyTimeoutMs: number;
  readonly timers: Timers;
  readonly retry: RetryPolicy;
  readonly throttling: ThrottlingOptions;
  readonly gate: RevisionGate;
  readonly status: SyncStatusStore;
  readonly report: Report;
  readonly logger: Logger;
  /** False when nobody reads debug lines, so hot paths skip building them. */
  readonly debugging: boolean;
  /** Moves local state to (revision, epoch): the gate and the status. */
  commit(revision: Revision, epoch: Epoch | undefined): void;
  /** Asks for a snapshot of at least (revision, epoch). */
  pull(revision: Revision, epoch: Epoch | undefined): void;
  isStopped(): boolean;
  isRunning(): boolean;
  /** Resolves, with the `stopped` error, when `stop()` is called: waits on user code end then. */
  readonly stopped: Promise<StateSyncError>;
}
