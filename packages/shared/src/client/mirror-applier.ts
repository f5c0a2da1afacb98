import { applyPatch, isPlainObject, type SnapshotApplier, StateSyncError } from '@statesync/core';
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

/**
 * `next`, except that every part deeply equal to the same part of `previous` is `previous`'s
 * object: a resync that changed one field re-renders only what reads that field.
 */
export function keepEqual(previous: unknown, next: unknown): unknown {
  if (Object.is(previous, next)) return previous;
  if (Array.isArray(previous) && Array.isArray(next)) {
    // Nothing to keep (a first sync of a list that started empty): the new list as it came.
    if (previous.length === 0) return next.length === 0 ? previous : next;
    let same = previous.length === next.length;
    const merged = next.map((item, index) => {
      const kept = index < previous.length ? keepEqual(previous[index], item) : item;
      same &&= kept === previous[index];
      return kept;
    });
    return same ? previous : merged;
  }
  if (isPlainObject(previous) && isPlainObject(next)) {
    const previousKeys = Object.keys(previous);
    const nextKeys = Object.keys(next);
    let same = previousKeys.length === nextKeys.length;
    const merged: Record<string, unknown> = {};
    for (const key of nextKeys) {
      const had = Object.hasOwn(previous, key);
      const kept = had ? keepEqual(previous[key], next[key]) : next[key];
      same &&= had && kept === previous[key];
      if (key === '__proto__') {
        // Defined, not assigned, so an own "__proto__" key stays a plain key.
        Object.defineProperty(merged, key, {
          value: kept,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else {
        merged[key] = kept;
      }
    }
    return same ? previous : merged;
  }
  return next;
}
