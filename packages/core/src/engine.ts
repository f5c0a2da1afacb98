import { StateSyncError, type StateSyncErrorCode, toStateSyncError } from './errors.js';
import { fetchRevision, fetchSnapshot } from './fetch-snapshot.js';
import { noopLogger } from './logger.js';
import { watchPageLifecycle } from './page-lifecycle.js';
import { createRetryPolicy } from './retry.js';
import { assertRevision, compareRevisions } from './revision.js';
import { createStore } from './subscribable.js';
import { createThrottle } from './throttle.js';
import { defaultTimers } from './timers.js';
import type {
  Delta,
  Epoch,
  InvalidationEvent,
  InvalidationSubscriber,
  Logger,
  PatchEnvelope,
  RetryOptions,
  Revision,
  RevisionStamp,
  SnapshotApplier,
  SnapshotEnvelope,
  SnapshotProvider,
  Subscribable,
  SyncErrorContext,
  SyncPhase,
  SyncStatus,
  ThrottlingOptions,
  Timers,
  Topic,
  Unsubscribe,
} from './types.js';
import { parseInvalidation, parseStamp } from './validate.js';

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
  /** Per-attempt limit for `getSnapshot`; the provider's signal aborts when it passes. @default 30000 */
  timeoutMs?: number;
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

interface Mark {
  revision: Revision;
  epoch: Epoch | undefined;
}

interface Waiter {
  afterFetch: number;
  /** The newest revisions known when `refresh()` was called. */
  marks: Mark[];
  resolve(): void;
  reject(error: StateSyncError): void;
}

const EPOCHS_KEPT = 64;
/**
 * A lone change is fetched at once; a burst costs one more fetch after it has been quiet for
 * 16 ms, and a sustained stream is pulled at least every 100 ms.
 */
const DEFAULT_THROTTLING: ThrottlingOptions = { debounceMs: 16, leading: true, maxWaitMs: 100 };
/** Platform timers overflow past this and fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Failures a second attempt cannot cure: the same answer would fail the same way. */
const FINAL_CODES = new Set<StateSyncErrorCode>([
  'protocol',
  'not_cloneable',
  'origin_rejected',
  'invalid_option',
]);

function remember<K, V>(map: Map<K, V>, key: K, value: V) {
  map.delete(key);
  map.set(key, value);
  if (map.size > EPOCHS_KEPT) map.delete(map.keys().next().value as K);
}

export function createRevisionSync<T>(options: RevisionSyncOptions<T>): RevisionSyncHandle {
  const { topic, subscriber, provider, applier, shouldRefresh, onError } = options;
  if (typeof topic !== 'string' || topic.trim() === '') {
    throw new StateSyncError('invalid_option', 'topic must be a non-empty string');
  }
  const logger = options.logger ?? noopLogger;
  // Hot paths skip building log lines nobody reads.
  const debugging = logger !== noopLogger;
  const timers = options.timers ?? defaultTimers;
  const retry = createRetryPolicy(options.retry, options.random ?? Math.random);
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!(timeoutMs > 0 && (timeoutMs <= MAX_TIMER_MS || timeoutMs === Number.POSITIVE_INFINITY))) {
    throw new StateSyncError(
      'invalid_option',
      `timeoutMs must be in 1..${MAX_TIMER_MS} or Infinity`,
    );
  }

  const { initialEpoch } = options;
  if (initialEpoch !== undefined && (typeof initialEpoch !== 'string' || initialEpoch === '')) {
    throw new StateSyncError('invalid_option', 'initialEpoch must be a non-empty string');
  }
  let local: Mark | undefined;
  if (options.initialRevision !== undefined) {
    local = {
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
  /**
   * Newest revision announced per epoch and not yet reached (key `undefined`: events without an
   * epoch). Per epoch, because epochs have no order: a late event from an old epoch must not
   * hide the announcement of a new one.
   */
  const targets = new Map<Epoch | undefined, Revision>();
  let targetsChanged = 0;
  /**
   * Highest revision applied in each epoch. Epochs are random ids with no order, so a late
   * message from an epoch this client left is told apart only by being older than what it saw.
   */
  const highWater = new Map<Epoch, Revision>();
  if (local?.epoch !== undefined) highWater.set(local.epoch, local.revision);
  let fetchesStarted = 0;
  let inFlight: Promise<void> | undefined;
  let again = false;
  let refreshWanted = false;
  /** Set after a failed apply: the next snapshot is applied even at an equal revision. */
  let repair = false;
  /** At most one confirming pull per fetch loop, so two live authorities cannot ping-pong. */
  let confirming = false;
  let applyQueue: Promise<void> = Promise.resolve();
  let abortFetch: ((reason: StateSyncError) => void) | undefined;
  let wakeSleeper: (() => void) | undefined;
  const waiters = new Set<Waiter>();
  // A function, not an inline check: `phase` changes across awaits.
  const isStopped = () => phase === 'stopped';

  const status = createStore<SyncStatus>(
    {
      state: 'idle',
      localRevision: local?.revision,
      epoch: local?.epoch,
      lastError: undefined,
      lastAppliedAt: undefined,
    },
    (error) => logger.error('status listener threw', { error }),
  );
  const setStatus = (patch: Partial<SyncStatus>) => {
    const current = status.getState();
    for (const key in patch) {
      if (patch[key as keyof SyncStatus] !== current[key as keyof SyncStatus]) {
        status.setState({ ...current, ...patch });
        return;
      }
    }
  };

  const report = (
    phaseName: SyncPhase,
    error: StateSyncError,
    extra: Partial<SyncErrorContext>,
  ) => {
    const context: SyncErrorContext = { phase: phaseName, topic, error, ...extra };
    if (local) context.localRevision = local.revision;
    const line = { code: error.code, message: error.message };
    if (extra.willRetry) logger.warn(`${phaseName} failed, retrying`, line);
    else logger.error(`${phaseName} failed`, line);
    try {
      onError?.(context);
    } catch (thrown) {
      logger.error('onError threw', { error: thrown });
    }
  };

  /** Would data at (revision, epoch) be newer than what local state holds? */
  const isAhead = (revision: Revision, epoch: Epoch | undefined) => {
    if (local === undefined) return true;
    if (epoch === undefined || epoch === local.epoch) {
      return compareRevisions(revision, local.revision) > 0;
    }
    // Going back to an epoch this client left is allowed, but never to an older revision of it.
    const seen = highWater.get(epoch);
    return seen === undefined || compareRevisions(revision, seen) >= 0;
  };

  const reached = (mark: Mark) => {
    if (local === undefined) return false;
    if (mark.epoch !== undefined && mark.epoch !== local.epoch) return false;
    return compareRevisions(local.revision, mark.revision) >= 0;
  };

  const pending = () => {
    for (const [epoch, revision] of targets) if (!reached({ revision, epoch })) return true;
    return false;
  };

  const commit = (revision: Revision, epoch: Epoch | undefined) => {
    // An epoch-less announcement counted in the old epoch.
    if (epoch !== undefined && epoch !== local?.epoch) targets.delete(undefined);
    local = { revision, epoch: epoch ?? local?.epoch };
    if (local.epoch !== undefined) remember(highWater, local.epoch, revision);
    for (const [e, r] of targets) if (reached({ revision: r, epoch: e })) targets.delete(e);
    setStatus({
      localRevision: revision,
      epoch: local.epoch,
      lastAppliedAt: timers.now(),
      // A delta can bring state up to date after a failed fetch.
      ...(!inFlight && phase === 'running' && { state: 'synced' as const }),
    });
  };

  const want = (revision: Revision, epoch: Epoch | undefined) => {
    const known = targets.get(epoch);
    if (known === undefined || compareRevisions(revision, known) > 0) {
      targets.set(epoch, revision);
      targetsChanged++;
    }
  };

  /** Applies never overlap: each waits for the one before. `queued` counts unsettled ones. */
  let queued = 0;
  const enqueue = (run: Promise<void>) => {
    queued++;
    applyQueue = run.then(
      () => void queued--,
      () => void queued--,
    );
    return run;
  };
  const serially = (task: () => void | Promise<void>): Promise<void> => {
    if (queued > 0) return enqueue(applyQueue.then(task));
    // Nothing ahead: start now rather than a microtask later.
    try {
      return enqueue(Promise.resolve(task()));
    } catch (error) {
      return enqueue(Promise.reject(error));
    }
  };

  const applySnapshot = (snapshot: SnapshotEnvelope<T>) =>
    serially(async () => {
      if (isStopped()) return;
      const acceptable = isAhead(snapshot.revision, snapshot.epoch);
      const sameAsLocal =
        local !== undefined &&
        snapshot.revision === local.revision &&
        (snapshot.epoch === undefined || snapshot.epoch === local.epoch);
      if (!acceptable && !(repair && sameAsLocal)) {
        if (debugging) {
          logger.debug('snapshot skipped', {
            revision: snapshot.revision,
            localRevision: local?.revision,
          });
        }
        return;
      }
      try {
        await applier.apply(snapshot);
      } catch (error) {
        repair = true;
        throw toStateSyncError(error, 'apply_failed', `applying revision ${snapshot.revision}`);
      }
      repair = false;
      if (local && !isAhead(snapshot.revision, snapshot.epoch) && !sameAsLocal) {
        // setLocalRevision moved past this snapshot while it was being applied: state is now
        // older than the revision says, so pull again and overwrite.
        repair = true;
        refreshWanted = true;
        again = true;
        return;
      }
      const switched =
        local?.epoch !== undefined &&
        snapshot.epoch !== undefined &&
        snapshot.epoch !== local.epoch;
      commit(snapshot.revision, snapshot.epoch);
      if (switched && !confirming) {
        // Epochs have no order, so this answer may come from a dying old authority (and so may
        // the event that asked for it). Pull once more: if the live authority is another one,
        // its answer moves state back.
        confirming = true;
        refreshWanted = true;
        again = true;
      }
      if (debugging) {
        const extra: Record<string, unknown> = { revision: snapshot.revision };
        if (snapshot.epoch !== undefined) extra.epoch = snapshot.epoch;
        logger.debug('snapshot applied', extra);
      }
    });

  const deltaFailed = (event: InvalidationEvent, error: unknown) => {
    repair = true;
    report('patch', toStateSyncError(error, 'apply_failed', `patching to ${event.revision}`), {
      eventRevision: event.revision,
    });
    want(event.revision, event.epoch);
    schedule();
  };

  /** Applies a delta that fits; anything else becomes a snapshot pull. Sync when it can be. */
  const runDelta = (event: InvalidationEvent & { delta: Delta }): void | Promise<void> => {
    if (isStopped() || !isAhead(event.revision, event.epoch)) return;
    const fits =
      local !== undefined &&
      !repair &&
      event.delta.base === local.revision &&
      (event.epoch === undefined || event.epoch === local.epoch);
    if (!fits || !applier.applyPatch) {
      if (debugging) {
        logger.debug('delta does not fit, pulling snapshot', {
          revision: event.revision,
          base: event.delta.base,
          localRevision: local?.revision,
        });
      }
      want(event.revision, event.epoch);
      schedule();
      return;
    }
    const patch: PatchEnvelope = {
      base: event.delta.base,
      revision: event.revision,
      ops: event.delta.ops,
    };
    if (event.epoch !== undefined) patch.epoch = event.epoch;
    const done = () => {
      commit(event.revision, event.epoch);
      if (debugging) logger.debug('delta applied', { revision: event.revision });
    };
    let result: void | Promise<void>;
    try {
      result = applier.applyPatch(patch);
    } catch (error) {
      deltaFailed(event, error);
      return;
    }
    if (!result || typeof result.then !== 'function') return done();
    return result.then(done, (error: unknown) => deltaFailed(event, error));
  };

  const applyDelta = (event: InvalidationEvent & { delta: Delta }) => {
    // The common case, nothing queued and a synchronous applier, skips the promise chain.
    if (queued === 0) {
      const running = runDelta(event);
      if (running) void enqueue(running);
    } else {
      void serially(() => runDelta(event));
    }
  };

  const callOptions = {
    topic,
    timeoutMs,
    timers,
    onSettled: () => {
      abortFetch = undefined;
    },
  };
  const fetchOnce = () => {
    const pending = fetchSnapshot(provider, callOptions);
    abortFetch = pending.abort;
    return pending.result;
  };

  /**
   * With hydrated state and a provider that can tell its revision, asks before pulling. True when
   * local state is already current, so no snapshot is needed. A failed probe falls back to a pull.
   */
  const isCurrent = async (): Promise<boolean> => {
    const { getRevision } = provider;
    if (!local || !getRevision || pending()) return false;
    try {
      const call = fetchRevision(getRevision.bind(provider), callOptions);
      abortFetch = call.abort;
      const stamp = await call.result;
      if (isAhead(stamp.revision, stamp.epoch)) {
        want(stamp.revision, stamp.epoch);
        return false;
      }
      if (debugging) logger.debug('already current', { revision: stamp.revision });
      return true;
    } catch (error) {
      if (!isStopped()) logger.warn('getRevision failed, pulling a snapshot', { error });
      return false;
    }
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const handle = timers.setTimeout(() => {
        wakeSleeper = undefined;
        resolve();
      }, ms);
      wakeSleeper = () => {
        timers.clearTimeout(handle);
        wakeSleeper = undefined;
        resolve();
      };
    });

  /** One fetch with retries. Resolves with the final error, or undefined on success. */
  const fetchWithRetry = async (): Promise<StateSyncError | undefined> => {
    for (let attempt = 1; ; attempt++) {
      if (isStopped()) return stoppedError();
      let snapshotRevision: Revision | undefined;
      let stage: 'snapshot' | 'apply' = 'snapshot';
      const changesBefore = targetsChanged;
      try {
        const snapshot = await fetchOnce();
        snapshotRevision = snapshot.revision;
        stage = 'apply';
        await applySnapshot(snapshot);
        stage = 'snapshot';
        // Nothing new was announced during the fetch, yet an announcement is still unmet: the
        // provider answered older data than promised. Retry (backoff) rather than give up.
        if (targetsChanged === changesBefore && !again && pending()) {
          throw new StateSyncError(
            'stale_snapshot',
            `snapshot ${snapshot.revision} is older than what was announced`,
          );
        }
        return undefined;
      } catch (thrown) {
        if (isStopped()) return stoppedError();
        const error = toStateSyncError(thrown, 'snapshot_failed', 'getSnapshot failed');
        const willRetry = attempt < retry.maxAttempts && !FINAL_CODES.has(error.code);
        const context: Partial<SyncErrorContext> = { attempt, willRetry };
        if (snapshotRevision !== undefined) context.snapshotRevision = snapshotRevision;
        const announced = targets.get(local?.epoch) ?? targets.get(undefined);
        if (announced !== undefined) context.eventRevision = announced;
        const delay = willRetry ? retry.delayAfter(attempt) : 0;
        if (willRetry) context.nextDelayMs = delay;
        report(error.code === 'protocol' ? 'protocol' : stage, error, context);
        if (!willRetry) return error;
        await sleep(delay);
      }
    }
  };

  // A mark of another epoch than the one the authority answered from is void.
  const isServed = (marks: Mark[]) =>
    marks.every((m) => reached(m) || (m.epoch !== undefined && m.epoch !== local?.epoch));

  /** `last`: no further fetch follows in this loop, so a waiter not served now never will be. */
  const settleWaiters = (fetchNumber: number, error: StateSyncError | undefined, last: boolean) => {
    for (const waiter of waiters) {
      if (fetchNumber <= waiter.afterFetch) continue;
      const served = isServed(waiter.marks);
      if (!error && !served && !last) continue;
      waiters.delete(waiter);
      if (error) waiter.reject(error);
      else if (served) waiter.resolve();
      else {
        waiter.reject(
          new StateSyncError(
            'stale_snapshot',
            'a revision announced before refresh() was not served',
          ),
        );
      }
    }
  };

  /** `probe`: ask `getRevision` before the first pull (used by `start()`). */
  const fetchLoop = async (probe: boolean) => {
    let error: StateSyncError | undefined;
    let more = false;
    confirming = false;
    do {
      again = false;
      refreshWanted = false;
      const fetchNumber = ++fetchesStarted;
      setStatus({ state: 'syncing' });
      error = probe && (await isCurrent()) ? undefined : await fetchWithRetry();
      probe = false;
      if (isStopped()) return;
      if (error?.code === 'stale_snapshot') {
        // Retries are spent: the authority does not serve the epochs those events named.
        for (const epoch of targets.keys()) if (epoch !== local?.epoch) targets.delete(epoch);
      }
      // A refresh() still below the revision it was promised pulls again, throttle or not.
      const refreshOwed =
        !error && [...waiters].some((w) => fetchNumber > w.afterFetch && !isServed(w.marks));
      more = refreshOwed || (again && (error !== undefined || refreshWanted || pending()));
      settleWaiters(fetchNumber, error, !more);
      setStatus(
        error ? { state: 'error', lastError: error } : { state: 'synced', lastError: undefined },
      );
    } while (more);
  };
  const startFetch = (probe = false) => {
    if (isStopped()) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = fetchLoop(probe).finally(() => {
      inFlight = undefined;
    });
  };

  const throttle = createThrottle(
    () => {
      // A trailing run whose announcements an earlier fetch already brought has nothing to do.
      if (pending() || refreshWanted) startFetch();
    },
    options.throttling ?? DEFAULT_THROTTLING,
    timers,
  );

  const schedule = () => {
    if (phase === 'running') throttle.trigger();
  };

  const handleEvent = (raw: unknown) => {
    if (isStopped()) return;
    let event: InvalidationEvent;
    try {
      event = parseInvalidation(raw);
    } catch (error) {
      report('protocol', toStateSyncError(error, 'protocol', 'invalid event'), {
        sourceEvent: raw,
      });
      return;
    }
    if (event.topic !== topic) return;
    if (shouldRefresh) {
      let wanted = true;
      try {
        wanted = shouldRefresh(event);
      } catch (error) {
        report('invalidation', toStateSyncError(error, 'invalid_option', 'shouldRefresh threw'), {
          eventRevision: event.revision,
        });
      }
      if (!wanted) {
        if (debugging) logger.debug('invalidation filtered', { revision: event.revision });
        return;
      }
    }
    // The self-echo path: every window sees its own writes come back, so keep it allocation-free.
    if (!isAhead(event.revision, event.epoch)) {
      if (debugging) {
        logger.debug('invalidation skipped', {
          revision: event.revision,
          localRevision: local?.revision,
        });
      }
      return;
    }
    if (event.delta && applier.applyPatch) {
      applyDelta(event as InvalidationEvent & { delta: Delta });
      return;
    }
    want(event.revision, event.epoch);
    schedule();
  };

  const stoppedError = () => new StateSyncError('stopped', `sync of "${topic}" was stopped`);

  /** Starts from the revision the applier restored, if it is newer than what is known. */
  const hydrate = async (restore: () => unknown) => {
    try {
      const raw = await restore();
      if (raw === undefined || isStopped()) return;
      const stamp = parseStamp(raw, 'hydrate() result');
      if (!isAhead(stamp.revision, stamp.epoch)) return;
      commit(stamp.revision, stamp.epoch);
      if (debugging) logger.debug('hydrated', { revision: stamp.revision });
    } catch (thrown) {
      report('start', toStateSyncError(thrown, 'apply_failed', 'hydrate() failed'), {});
    }
  };

  /**
   * A revision the applier reached by itself. Within the held epoch it is adopted; another
   * epoch is only an announcement (a sibling may have seen the authority restart), so the
   * engine pulls and lets the authority confirm it.
   */
  const adopt = (raw: RevisionStamp) => {
    if (isStopped()) return;
    let stamp: RevisionStamp;
    try {
      stamp = parseStamp(raw, 'watchRevision stamp');
    } catch (error) {
      report('protocol', toStateSyncError(error, 'protocol', 'invalid stamp'), {
        sourceEvent: raw,
      });
      return;
    }
    if (!isAhead(stamp.revision, stamp.epoch)) return;
    if (local?.epoch !== undefined && stamp.epoch !== undefined && stamp.epoch !== local.epoch) {
      want(stamp.revision, stamp.epoch);
      schedule();
      return;
    }
    commit(stamp.revision, stamp.epoch);
  };

  return {
    topic,
    status,
    getLocalRevision: () => local?.revision,

    setLocalRevision(revision, epoch) {
      assertRevision(revision);
      if (epoch !== undefined && (typeof epoch !== 'string' || epoch === '')) {
        throw new StateSyncError('invalid_option', 'epoch must be a non-empty string');
      }
      if (isAhead(revision, epoch)) commit(revision, epoch);
    },

    start() {
      if (isStopped()) return Promise.reject(stoppedError());
      if (startPromise) return startPromise;
      phase = 'starting';
      setStatus({ state: 'syncing' });
      startPromise = (async () => {
        if (applier.hydrate) await hydrate(applier.hydrate.bind(applier));
        if (isStopped()) return;
        let off: Unsubscribe;
        try {
          off = await subscriber.subscribe(handleEvent);
        } catch (thrown) {
          const error = toStateSyncError(thrown, 'subscribe_failed', `subscribing to "${topic}"`);
          report('subscribe', error, {});
          if (phase === 'starting') {
            setStatus({ state: 'error', lastError: error });
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
            stopWatching = applier.watchRevision(adopt);
          } catch (thrown) {
            report('start', toStateSyncError(thrown, 'apply_failed', 'watchRevision() threw'), {});
          }
        }
        if (options.resyncOnResume ?? true) {
          stopLifecycle = watchPageLifecycle(() => {
            if (debugging) logger.debug('page resumed, checking for changes');
            startFetch(true);
          });
        }
        phase = 'running';
        logger.debug('subscribed');
        startFetch(true);
        await inFlight;
      })();
      return startPromise;
    },

    refresh() {
      if (isStopped()) return Promise.reject(stoppedError());
      return new Promise<void>((resolve, reject) => {
        const marks = [...targets].map(([epoch, revision]) => ({ revision, epoch }));
        if (local) marks.push({ ...local });
        waiters.add({ afterFetch: fetchesStarted, marks, resolve, reject });
        refreshWanted = true;
        throttle.cancel();
        startFetch();
      });
    },

    stop() {
      if (stopPromise) return stopPromise;
      phase = 'stopped';
      throttle.cancel();
      const error = stoppedError();
      abortFetch?.(error);
      wakeSleeper?.();
      for (const waiter of waiters) waiter.reject(error);
      waiters.clear();
      stopPromise = (async () => {
        for (const off of [unsubscribe, stopWatching, stopLifecycle]) {
          try {
            off?.();
          } catch (thrown) {
            logger.warn('unsubscribe threw', { error: thrown });
          }
        }
        unsubscribe = stopWatching = stopLifecycle = undefined;
        await Promise.allSettled([inFlight, applyQueue]);
        setStatus({ state: 'idle' });
        logger.debug('stopped');
      })();
      return stopPromise;
    },
  };
}
