import { applyPatch, type SnapshotApplier, StateSyncError } from '@statesync/core';
import { keepEqual } from '../store/keep-equal.js';
import { dataProblem, kindOf } from '../store/store-record.js';
import type { Mirror } from './mirror.js';

/**
 * What the engine writes `mirror` through. Deltas are applied copy-on-write, so everything off
 * the changed paths keeps its identity; a full snapshot (first sync, or after a gap) is merged
 * so that parts equal to what was shown before keep their identity too.
 */
export function mirrorApplier<S>(mirror: Mirror<S>): SnapshotApplier<S> {
  const { ledger } = mirror;
  return {
    // Written over the confirmed state (not a guess shown over it); the ledger moves first, so
    // that the guesses a change holds leave the view in the same notification.
    apply(snapshot) {
      const confirmed = mirror.confirmed();
      const problem = dataProblem(snapshot.data, kindOf(confirmed));
      if (problem !== undefined) throw new StateSyncError('protocol', `snapshot: ${problem}`);
      const next = keepEqual(confirmed, snapshot.data) as S;
      ledger.replaced(snapshot.epoch, snapshot.revision);
      mirror.set(next);
    },
    applyPatch(patch) {
      const confirmed = mirror.confirmed();
      const next = applyPatch(confirmed, patch.ops);
      const problem = dataProblem(next, kindOf(confirmed));
      if (problem !== undefined) throw new StateSyncError('protocol', `delta: ${problem}`);
      ledger.applied(patch.epoch, patch.revision);
      mirror.set(next);
    },
  };
}
