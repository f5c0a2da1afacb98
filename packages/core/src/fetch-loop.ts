import type { ApplyQueue, SnapshotOutcome } from './apply-queue.js';
import { createDeadlineWatch } from './deadline.js';
import type { EngineContext } from './engine-context.js';
import {
  isStateSyncError,
  StateSyncError,
  type StateSyncErrorCode,
  toStateSyncError,
} from './errors.js';
import { createProviderCaller } from './fetch-snapshot.js';
import { createRefreshWaiters } from './refresh-waiters.js';
import { compareRevisions } from './revision.js';
import type { Mark } from './revision-gate.js';
import { createThrottle } from './throttle.js';
import { timerSlot } from './timers.js';
import type { Epoch, Revision, SyncErrorContext } from './types.js';

/** Confirming pulls per fetch loop; see `confirms`. */
const MAX_CONFIRMING_PULLS = 8;
/** Least wait before the pull that re-checks dropped announcements: a lagging replica's time. */
const RECHECK_MS = 1000;

export interface FetchLoop {
  /** A fetch caused by an event: throttled, and only while running. */
  schedule(): void;
  /** Starts a fetch now, or one more after the one in flight. `probe`: ask `getRevision` first. */
  fetchNow(probe?: boolean): void;
  /** `refresh()`: a fetch past the throttle, settling once local state is as new as known now. */
  refresh(): Promise<void>;
  /** True from the start of a fetch until it and those queued behind it are done. */
  isFetching(): boolean;
  /** Settles once the fetches running now are done. */
  settled(): Promise<void> | undefined;
  /** Cancels throttle and retry waits, aborts the call in flight, rejects pending refreshes. */
  stop(reason: StateSyncError): void;
}

/** Failures a second attempt cannot cure: the same answer would fail the same way. */
const FINAL_CODES = new Set<StateSyncErrorCode>([
  'protocol',
  'not_cloneable',
  'origin_rejected',
  'invalid_option',
]);

/**
 * Pulls snapshots: throttle → fetch with retry and timeout → stale check → apply, one fetch at a
 * time, with at most one more queued behind it however many events arrive meanwhile.
 */
export function createFetchLoop<T>(context: EngineContext<T>, applies: ApplyQueue<T>): FetchLoop {
  const { topic, provider, timeoutMs, timers, retry, gate, status, report } = context;
  const { logger, debugging, isStopped, isRunning } = context;
  const waiters = createRefreshWaiters(gate);
  let fetchesStarted = 0;
  /** True from the start of a fetch until it and those queued behind it are done. */
  let fetching = false;
  let inFlight: Promise<void> | undefined;
  let again = false;
  let refreshWanted = false;
  /**
   * Confirming pulls made in this fetch loop. Every epoch switch is confirmed, since a stale
   * answer may switch back to an old epoch after the first confirmation; the bound keeps two
   * live authorities answering in turn from ping-ponging forever.
   */
  let confirms = 0;
  /** The pull that re-checks announcements dropped as unserved, or a fetch that failed. */
  const recheck = timerSlot(timers);
  const recheckMs = () => Math.max(retry.delayAfter(retry.maxAttempts), RECHECK_MS);
  /** `gate.wantCount()` when a failed fetch last set a re-check: one per announcement. */
  let recheckedAt = -1;
  let wakeSleeper: (() => void) | undefined;

  const watch = createDeadlineWatch(timeoutMs, timers);
  const caller = createProviderCaller(topic, timeoutMs, watch);

  /**
   * With hydrated state and a provider that can tell its revision, asks before pulling. True when
   * local state is already current, so no snapshot is needed. A failed probe falls back to a pull.
   */
  const isCurrent = async (): Promise<boolean> => {
    const { getRevision } = provider;
    if (!gate.local() || !getRevision || gate.pending()) return false;
    try {
      const stamp = await caller.revision(provider);
      if (gate.isAhead(stamp.revision, stamp.epoch)) {
        gate.want(stamp.revision, stamp.epoch);
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

  /** True while the provider answers older revisions than local state holds (a lagging replica). */
  let lagging = false;
  /**
   * A provider that answers older than what was held when it was asked goes back: reported once
   * per episode. Held state that moved on during the pull (a sibling tab's copy, a delta) only
   * raced the answer; that is no lag.
   */
  const noteLag = (revision: Revision, epoch: Epoch | undefined, asked: Mark | undefined) => {
    const behind =
      asked !== undefined &&
      (epoch === undefined || epoch === asked.epoch) &&
      compareRevisions(revision, asked.revision) < 0;
    if (behind && !lagging) {
      const held = asked.revision;
      report(
        'snapshot',
        new StateSyncError(
          'stale_snapshot',
          `the provider answered revision ${revision}, older than the held ${held}; keeping the newer copy`,
        ),
        { snapshotRevision: revision },
      );
    }
    lagging = behind;
  };

  /** Follows up on what applying a snapshot came to. */
  const took = (outcome: SnapshotOutcome) => {
    if (outcome === 'overtaken') {
      refreshWanted = true;
      again = true;
    } else if (outcome === 'switched' && confirms < MAX_CONFIRMING_PULLS) {
      // Epochs have no order, so this answer may come from a dying old authority (and so may
      // the event that asked for it). Pull once more: if the live authority is another one,
      // its answer moves state back.
      confirms++;
      refreshWanted = true;
      again = true;
    }
  };

  /**
   * Reports a failed attempt. Returns the wait before the next attempt, or the final error
   * when none follows.
   */
  const attemptFailed = (thrown: unknown, attempt: number): number | StateSyncError => {
    const error = toStateSyncError(thrown, 'snapshot_failed', 'getSnapshot failed');
    const willRetry = attempt < retry.maxAttempts && !FINAL_CODES.has(error.code);
    const context: Partial<SyncErrorContext> = { attempt, willRetry };
    if (snapshotRevision !== undefined) context.snapshotRevision = snapshotRevision;
    const announced = gate.announced();
    if (announced !== undefined) context.eventRevision = announced;
    const delay = willRetry ? retry.delayAfter(attempt) : 0;
    if (willRetry) context.nextDelayMs = delay;
    report(error.code === 'protocol' ? 'protocol' : stage, error, context);
    return willRetry ? delay : error;
  };

  /**
   * Fetches until none is owed: each fetch is attempts (with retries) of getSnapshot → apply →
   * stale check. One async function for the whole way, with the apply inline when the applier
   * is synchronous: every nested async layer cost a promise and a microtask per fetch.
   * `probe`: ask `getRevision` before the first pull (used by `start()`).
   */
  /** Where the attempt running now is, and the revision it got: for the failure report. */
  let stage: 'snapshot' | 'apply' = 'snapshot';
  let snapshotRevision: Revision | undefined;
  /** An attempt of the fetch running now was answered below what was announced. */
  let answeredStale = false;

  /**
   * After an applied answer: nothing new was announced during the fetch, yet an announcement is
   * still unmet, so the provider answered older data than promised. Throws, to retry (backoff)
   * rather than give up. Otherwise hints of epochs this client left are done.
   */
  const checkServed = (changesBefore: number) => {
    if (gate.wantCount() === changesBefore && !again && gate.owed()) {
      throw new StateSyncError(
        'stale_snapshot',
        `snapshot ${snapshotRevision} is older than what was announced`,
      );
    }
    gate.dropUnmet('left');
  };

  /** After a fetch: drops what was not served, settles refreshes. True when another is owed. */
  const fetched = (fetchNumber: number, error: StateSyncError | undefined): boolean => {
    if (error && answeredStale) {
      // Retries are spent, and the authority answered without what those events named
      // (another epoch, or a forged revision of this one), even if a later attempt failed
      // otherwise. Waiting for it would fail every later fetch.
      // But a lagging provider looks the same, and its announcement may be the last one for
      // a while: one slow pull later, owing nothing, catches up if it was genuine.
      gate.dropUnmet('all');
      recheck.set(() => fetchNow(), recheckMs());
    } else if (error && gate.owed() && recheckedAt !== gate.wantCount()) {
      // The retries failed otherwise (the provider was down) with an announcement unmet. That
      // announcement may be the last for a while: one slow pull later catches up, or finds the
      // target unserved and drops it. Once per announcement, so a dead provider is not polled.
      recheckedAt = gate.wantCount();
      recheck.set(() => fetchNow(), recheckMs());
    }
    // A refresh() still below the revision it was promised pulls again, throttle or not;
    // unless the gate no longer owes one (dropped as unserved): then it cannot be served.
    const refreshOwed = !error && gate.owed() && waiters.owed(fetchNumber);
    const more = refreshOwed || (again && (error !== undefined || refreshWanted || gate.pending()));
    waiters.settle(fetchNumber, error, !more);
    status.settled(error);
    return more;
  };

  /**
   * Fetches until none is owed: each fetch is attempts (with retries) of getSnapshot → apply →
   * stale check. Kept small, with the apply inline when the applier is synchronous: every
   * nested async layer and every local of a suspended async function costs per fetch.
   * `probe`: ask `getRevision` before the first pull (used by `start()`).
   */
  const run = async (probe: boolean) => {
    confirms = 0;
    try {
      let more: boolean;
      do {
        again = false;
        refreshWanted = false;
        const fetchNumber = ++fetchesStarted;
        status.syncing();
        let error: StateSyncError | undefined;
        answeredStale = false;
        if (!(probe && (await isCurrent()))) {
          for (let n = 1; ; n++) {
            if (isStopped()) return;
            stage = 'snapshot';
            snapshotRevision = undefined;
            const changesBefore = gate.wantCount();
            const asked = gate.local();
            try {
              const snapshot = await caller.snapshot(provider);
              snapshotRevision = snapshot.revision;
              noteLag(snapshot.revision, snapshot.epoch, asked);
              stage = 'apply';
              const outcome = applies.applySnapshot(snapshot);
              took(typeof outcome === 'string' ? outcome : await outcome);
              stage = 'snapshot';
              checkServed(changesBefore);
              break;
            } catch (thrown) {
              if (isStopped()) return;
              if (isStateSyncError(thrown, 'stale_snapshot')) answeredStale = true;
              const next = attemptFailed(thrown, n);
              if (typeof next !== 'number') {
                error = next;
                break;
              }
              await sleep(next);
            }
          }
        }
        probe = false;
        if (isStopped()) return;
        more = fetched(fetchNumber, error);
      } while (more);
    } finally {
      fetching = false;
    }
  };
  const fetchNow = (probe = false) => {
    if (isStopped()) return;
    if (fetching) {
      again = true;
      return;
    }
    // Set before run() starts: a status listener it calls may ask for a fetch already.
    fetching = true;
    inFlight = run(probe);
  };

  const throttle = createThrottle(
    () => {
      // A trailing run whose announcements an earlier fetch already brought has nothing to do.
      if (gate.pending() || refreshWanted) fetchNow();
    },
    context.throttling,
    timers,
  );

  return {
    schedule() {
      if (isRunning()) throttle.trigger();
    },
    fetchNow,
    refresh() {
      const served = waiters.add(fetchesStarted);
      refreshWanted = true;
      throttle.cancel();
      fetchNow();
      return served;
    },
    isFetching: () => fetching,
    settled: () => inFlight,
    stop(reason) {
      throttle.cancel();
      recheck.clear();
      caller.abort(reason);
      watch.clear();
      wakeSleeper?.();
      waiters.rejectAll(reason);
    },
  };
}
