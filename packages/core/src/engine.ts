import { createApplyQueue } from './apply-queue.js';
import { withDeadline } from './deadline.js';
import type { EngineContext } from './engine-context.js';
import { createEngineReporter } from './engine-reporter.js';
import { StateSyncError, toStateSyncError } from './errors.js';
import { createFetchLoop } from './fetch-loop.js';
import { createHydration } from './hydration.js';
import { createInvalidationHandler } from './invalidation-handler.js';
import { debugsTo, noopLogger } from './logger.js';
import { watchPageLifecycle } from './page-lifecycle.js';
import { createRetryPolicy } from './retry.js';
import { assertRevision } from './revision.js';
import { createRevisionGate, type Mark } from './revision-gate.js';
import { createSyncStatus } from './sync-status.js';
import { defaultTimers } from './timers.js';
import type {
  Epoch,
  InvalidationEvent,
  InvalidationSubscriber,
  Logger,
  RetryOptions,
  Revision,
  SnapshotApplier,
  SnapshotProvider,
  Subscribable,
  SyncErrorContext,
  SyncStatus,
  ThrottlingOptions,
  Timers,
  Topic,
  Unsubscribe,
} from './types.js';

export interface RevisionSyncOptions<T> {
  /** The resource to keep in sync. Events for other topics are ignored. */
  topic: Topic;
  /** Source of invalidation events. */
  subscriber: InvalidationSubscriber;
  /** Reads the canonical snapshot. */
  provider: SnapshotProvider<T>;
  /** Writes snapshots (and deltas, if it can) into local state. */
  applier: SnapshotApplier<T>;
  /** Return `false` to ignore an event, e.g. one this window caused itself. */
  shouldRefresh?(event: InvalidationEvent): boolean;
  /** @default noopLogger */
  logger?: Logger;
  /** Told about every failure; syncing goes on whatever it does, even if it throws. */
  onError?(context: SyncErrorContext): void;
  /**
   * Delays fetches caused by invalidations; `{}` fetches on every one. Explicit `refresh()`
   * calls and deltas are never delayed.
   * @default { debounceMs: 16, leading: true, maxWaitMs: 100 }
   */
  throttling?: ThrottlingOptions;
  /** Retries failed fetches; `false` for a single attempt. @default { maxAttempts: 3 } */
  retry?: RetryOptions | false;
  /**
   * Per-attempt limit for `getSnapshot` (the provider's signal aborts when it passes) and
   * `getRevision`, and the limit for `subscriber.subscribe`. @default 30000
   */
  timeoutMs?: number;
  /**
   * Limit for each `apply`, `applyPatch` and `hydrate` of the applier that returns a promise.
   * One that does not settle in time is reported as `timeout` and treated as failed, so later
   * snapshots and `stop()` (which waits for an apply in progress) do not wait on it for ever.
   * `Infinity` removes the limit, and with it that guarantee. A synchronous one has finished
   * when it returns, so it gets no timer. @default 10000
   */
  applyTimeoutMs?: number;
  /** The revision local state already holds, e.g. hydrated from storage. */
  initialRevision?: Revision;
  /** The epoch `initialRevision` belongs to. */
  initialEpoch?: Epoch;
  /**
   * In a browser page, check for missed changes when the page is restored from the back/forward
   * cache, becomes visible, is resumed or comes back online (via `getRevision` if the provider
   * has it, else by pulling a snapshot). @default true
   */
  resyncOnResume?: boolean;
  /** @default the platform's setTimeout and Date.now */
  timers?: Timers;
  /** Source of randomness for retry jitter. @default Math.random */
  random?: () => number;
}

export interface RevisionSyncHandle {
  readonly topic: Topic;
  /** Subscribes, then pulls and applies the first snapshot. Fetch failures go to `onError`. */
  start(): Promise<void>;
  /** Unsubscribes and aborts the fetch in flight; once resolved, nothing more is applied. */
  stop(): Promise<void>;
  /**
   * Pulls a fresh snapshot. Resolves once local state is at least as new as the newest revision
   * known when it was called; rejects with a `StateSyncError` when that cannot happen.
   */
  refresh(): Promise<void>;
  getLocalRevision(): Revision | undefined;
  /**
   * Records that local state already reflects `revision` (e.g. the reply to a write), so the
   * echo of that write causes no fetch. Never moves backwards within an epoch.
   */
  setLocalRevision(revision: Revision, epoch?: Epoch): void;
  readonly status: Subscribable<SyncStatus>;
}

/**
 * A lone change is fetched at once; a burst costs one more fetch after it has been quiet for
 * 16 ms, and a sustained stream is pulled at least every 100 ms.
 */
const DEFAULT_THROTTLING: ThrottlingOptions = { debounceMs: 16, leading: true, maxWaitMs: 100 };
/** Platform timers overflow past this and fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function checkTimeout(ms: number, name: string): number {
  if (!(ms > 0 && (ms <= MAX_TIMER_MS || ms === Number.POSITIVE_INFINITY))) {
    throw new StateSyncError('invalid_option', `${name} must be in 1..${MAX_TIMER_MS} or Infinity`);
  }
  return ms;
}

/**
 * Composes the engine: the revision gate, the apply queue, the fetch loop, the invalidation
 * handler and hydration, around one lifecycle (`new` → `starting` → `running` → `stopped`).
 */
export function createRevisionSync<T>(options: RevisionSyncOptions<T>): RevisionSyncHandle {
  const { topic, subscriber, provider, applier } = options;
  if (typeof topic !== 'string' || topic.trim() === '') {
    throw new StateSyncError('invalid_option', 'topic must be a non-empty string');
  }
  const logger = options.logger ?? noopLogger;
  // Hot paths skip building log lines nobody reads.
  const debugging = debugsTo(logger);
  const timers = options.timers ?? defaultTimers;
  const retry = createRetryPolicy(options.retry, options.random ?? Math.random);
  const timeoutMs = checkTimeout(options.timeoutMs ?? 30_000, 'timeoutMs');
  const applyTimeoutMs = checkTimeout(options.applyTimeoutMs ?? 10_000, 'applyTimeoutMs');

  const { initialEpoch } = options;
  if (initialEpoch !== undefined && (typeof initialEpoch !== 'string' || initialEpoch === '')) {
    throw new StateSyncError('invalid_option', 'initialEpoch must be a non-empty string');
  }
  let initial: Mark | undefined;
  if (options.initialRevision !== undefined) {
    initial = {
      revision: assertRevision(options.initialRevision, 'initialRevision'),
      epoch: initialEpoch,
    };
  }
  let phase: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  let unsubscribe: Unsubscribe | undefined;
  let stopWatching: Unsubscribe | undefined;
  let stopLifecycle: Unsubscribe | undefined;
  let startPromise: Promise<void> | undefined;
  let stopPromise: Promise<void> | undefined;
  // A function, not an inline check: `phase` changes across awaits.
  const isStopped = () => phase === 'stopped';
  const isRunning = () => phase === 'running';
  const stoppedError = () => new StateSyncError('stopped', `sync of "${topic}" was stopped`);
  const callQuietly = (off: unknown) => {
    try {
      if (typeof off === 'function') off();
    } catch (thrown) {
      logger.warn('unsubscribe threw', { error: thrown });
    }
  };
  let announceStop!: (reason: StateSyncError) => void;
  const stopped = new Promise<StateSyncError>((resolve) => {
    announceStop = resolve;
  });

  const gate = createRevisionGate(initial);
  const status = createSyncStatus(initial, logger);
  const report = createEngineReporter(topic, logger, options.onError, gate);
  const context: EngineContext<T> = {
    topic,
    provider,
    applier,
    shouldRefresh: options.shouldRefresh,
    timeoutMs,
    applyTimeoutMs,
    timers,
    retry,
    throttling: options.throttling ?? DEFAULT_THROTTLING,
    gate,
    status,
    report,
    logger,
    debugging,
    commit(revision, epoch) {
      gate.commit(revision, epoch);
      const at = timers.now();
      // A delta can bring state up to date after a failed fetch.
      status.applied(revision, gate.local()?.epoch, at, !fetches.isFetching() && isRunning());
    },
    pull(revision, epoch) {
      gate.want(revision, epoch);
      fetches.schedule();
    },
    isStopped,
    isRunning,
    stopped,
  };
  const { commit } = context;
  const applies = createApplyQueue(context);
  const fetches = createFetchLoop(context, applies);
  const handleEvent = createInvalidationHandler(context, applies.applyDelta);
  const hydration = createHydration(context);

  return {
    topic,
    status: status.status,
    getLocalRevision: () => gate.local()?.revision,

    setLocalRevision(revision, epoch) {
      assertRevision(revision);
      if (epoch !== undefined && (typeof epoch !== 'string' || epoch === '')) {
        throw new StateSyncError('invalid_option', 'epoch must be a non-empty string');
      }
      if (gate.isAhead(revision, epoch)) commit(revision, epoch);
    },

    start() {
      if (isStopped()) return Promise.reject(stoppedError());
      if (startPromise) return startPromise;
      phase = 'starting';
      status.syncing();
      startPromise = (async () => {
        if (applier.hydrate) await hydration.restore(applier.hydrate.bind(applier));
        if (isStopped()) return;
        let subscribing: Promise<Unsubscribe>;
        try {
          subscribing = Promise.resolve(subscriber.subscribe(handleEvent));
        } catch (thrown) {
          subscribing = Promise.reject(thrown);
        }
        let off: Unsubscribe;
        try {
          off = await withDeadline(subscribing, {
            timeoutMs,
            timers,
            what: `subscribing to "${topic}"`,
            until: stopped,
          });
        } catch (thrown) {
          // A subscription that comes after all is ended at once: nobody else would end it.
          subscribing.then(callQuietly, () => {});
          if (isStopped()) return;
          const error = toStateSyncError(thrown, 'subscribe_failed', `subscribing to "${topic}"`);
          report('subscribe', error, {});
          if (phase === 'starting') {
            status.settled(error);
            phase = 'new';
            startPromise = undefined;
          }
          throw error;
        }
        if (isStopped()) {
          off();
          return;
        }
        unsubscribe = off;
        // Only once subscribed: a start() that failed to subscribe may be called again.
        if (applier.watchRevision) {
          try {
            stopWatching = applier.watchRevision(hydration.adopt);
          } catch (thrown) {
            report('start', toStateSyncError(thrown, 'apply_failed', 'watchRevision() threw'), {});
          }
        }
        if (options.resyncOnResume ?? true) {
          stopLifecycle = watchPageLifecycle(() => {
            if (debugging) logger.debug('page resumed, checking for changes');
            fetches.fetchNow(true);
          });
        }
        phase = 'running';
        logger.debug('subscribed');
        fetches.fetchNow(true);
        await fetches.settled();
      })();
      return startPromise;
    },

    refresh() {
      if (isStopped()) return Promise.reject(stoppedError());
      return fetches.refresh();
    },

    stop() {
      if (stopPromise) return stopPromise;
      phase = 'stopped';
      const reason = stoppedError();
      announceStop(reason);
      fetches.stop(reason);
      stopPromise = (async () => {
        for (const off of [unsubscribe, stopWatching, stopLifecycle]) callQuietly(off);
        unsubscribe = stopWatching = stopLifecycle = undefined;
        await Promise.allSettled([fetches.settled(), applies.drained()]);
        status.idle();
        logger.debug('stopped');
      })();
      return stopPromise;
    },
  };
}
