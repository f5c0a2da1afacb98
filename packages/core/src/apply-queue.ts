import { withDeadline } from './deadline.js';
import type { EngineContext } from './engine-context.js';
import { toStateSyncError } from './errors.js';
import type { Delta, InvalidationEvent, PatchEnvelope, SnapshotEnvelope } from './types.js';

/**
 * What applying a snapshot came to:
 * - `skipped`: not newer than local state (or stopped), not applied;
 * - `applied`: applied and committed;
 * - `switched`: applied and committed, and it moved local state to another epoch;
 * - `overtaken`: applied, but `setLocalRevision` moved past it meanwhile, so local state is
 *   older than its revision says and must be pulled again.
 */
export type SnapshotOutcome = 'skipped' | 'applied' | 'switched' | 'overtaken';

export interface ApplyQueue<T> {
  /**
   * Applies a snapshot once the applies before it are done; throws or rejects with
   * `apply_failed`. With nothing queued and a synchronous applier it returns the outcome itself,
   * without a promise.
   */
  applySnapshot(snapshot: SnapshotEnvelope<T>): SnapshotOutcome | Promise<SnapshotOutcome>;
  /** Applies a delta that fits local state; anything else becomes a pull. */
  applyDelta(event: InvalidationEvent & { delta: Delta }): void;
  /** Settles once every apply queued so far has. */
  drained(): Promise<void>;
}

/** Every write into local state, snapshots and deltas alike. Applies never overlap. */
export function createApplyQueue<T>(context: EngineContext<T>): ApplyQueue<T> {
  const { applier, gate, commit, pull, isStopped, report, logger, debugging } = context;
  const { applyTimeoutMs, timers } = context;
  /** Set after a failed apply: the next snapshot is applied even at an equal revision. */
  let repair = false;
  let applyQueue: Promise<void> = Promise.resolve();

  /** Applies never overlap: each waits for the one before. `queued` counts unsettled ones. */
  let queued = 0;
  const enqueue = <R>(run: Promise<R>) => {
    queued++;
    applyQueue = run.then(
      () => void queued--,
      () => void queued--,
    );
    return run;
  };

  const applyFailed = (snapshot: SnapshotEnvelope<T>, error: unknown) => {
    repair = true;
    return toStateSyncError(error, 'apply_failed', `applying revision ${snapshot.revision}`);
  };

  const snapshotApplied = (snapshot: SnapshotEnvelope<T>, sameAsLocal: boolean) => {
    repair = false;
    if (gate.local() && !gate.isAhead(snapshot.revision, snapshot.epoch) && !sameAsLocal) {
      // setLocalRevision moved past this snapshot while it was being applied: state is now
      // older than the revision says, so pull again and overwrite.
      repair = true;
      return 'overtaken';
    }
    const switched = gate.isOtherEpoch(snapshot.epoch);
    commit(snapshot.revision, snapshot.epoch);
    if (debugging) {
      const extra: Record<string, unknown> = { revision: snapshot.revision };
      if (snapshot.epoch !== undefined) extra.epoch = snapshot.epoch;
      logger.debug('snapshot applied', extra);
    }
    return switched ? 'switched' : 'applied';
  };

  /** Runs now; a promise only when the applier returned one. */
  const runSnapshot = (
    snapshot: SnapshotEnvelope<T>,
  ): SnapshotOutcome | Promise<SnapshotOutcome> => {
    if (isStopped()) return 'skipped';
    const acceptable = gate.isAhead(snapshot.revision, snapshot.epoch);
    const sameAsLocal = gate.holds(snapshot.revision, snapshot.epoch);
    if (!acceptable && !(repair && sameAsLocal)) {
      if (debugging) {
        logger.debug('snapshot skipped', {
          revision: snapshot.revision,
          localRevision: gate.local()?.revision,
        });
      }
      return 'skipped';
    }
    let result: void | Promise<void>;
    try {
      result = applier.apply(snapshot);
    } catch (error) {
      throw applyFailed(snapshot, error);
    }
    if (!result || typeof result.then !== 'function') return snapshotApplied(snapshot, sameAsLocal);
    return withDeadline(result, {
      timeoutMs: applyTimeoutMs,
      timers,
      what: `apply() of revision ${snapshot.revision}`,
    }).then(
      () => snapshotApplied(snapshot, sameAsLocal),
      (error: unknown) => {
        throw applyFailed(snapshot, error);
      },
    );
  };

  const deltaApplied = (event: InvalidationEvent) => {
    commit(event.revision, event.epoch);
    if (debugging) logger.debug('delta applied', { revision: event.revision });
  };

  const deltaFailed = (event: InvalidationEvent, error: unknown) => {
    repair = true;
    report('patch', toStateSyncError(error, 'apply_failed', `patching to ${event.revision}`), {
      eventRevision: event.revision,
    });
    pull(event.revision, event.epoch);
  };

  /** Applies a delta that fits; anything else becomes a snapshot pull. Sync when it can be. */
  const runDelta = (event: InvalidationEvent & { delta: Delta }): void | Promise<void> => {
    if (isStopped() || !gate.isAhead(event.revision, event.epoch)) return;
    const fits = !repair && gate.holds(event.delta.base, event.epoch);
    if (!fits || !applier.applyPatch) {
      if (debugging) {
        logger.debug('delta does not fit, pulling snapshot', {
          revision: event.revision,
          base: event.delta.base,
          localRevision: gate.local()?.revision,
        });
      }
      pull(event.revision, event.epoch);
      return;
    }
    const patch: PatchEnvelope = {
      base: event.delta.base,
      revision: event.revision,
      ops: event.delta.ops,
    };
    if (event.epoch !== undefined) patch.epoch = event.epoch;
    let result: void | Promise<void>;
    try {
      result = applier.applyPatch(patch);
    } catch (error) {
      deltaFailed(event, error);
      return;
    }
    if (!result || typeof result.then !== 'function') return deltaApplied(event);
    return withDeadline(result, {
      timeoutMs: applyTimeoutMs,
      timers,
      what: `applyPatch() to revision ${event.revision}`,
    }).then(
      () => deltaApplied(event),
      (error: unknown) => deltaFailed(event, error),
    );
  };

  return {
    applySnapshot(snapshot) {
      if (queued > 0) return enqueue(applyQueue.then(() => runSnapshot(snapshot)));
      const outcome = runSnapshot(snapshot);
      // A synchronous apply has already committed: nothing can run in between to queue behind.
      return typeof outcome === 'string' ? outcome : enqueue(outcome);
    },
    applyDelta(event) {
      // The common case, nothing queued and a synchronous applier, skips the promise chain.
      if (queued === 0) {
        const running = runDelta(event);
        if (running) void enqueue(running);
      } else {
        void enqueue(applyQueue.then(() => runDelta(event)));
      }
    },
    drained: () => applyQueue,
  };
}
