import {
  applyPatch,
  isPlainObject,
  type Logger,
  type SnapshotApplier,
  StateSyncError,
  type Subscribable,
} from '@statesync/core/base';
import { deepFreeze } from '../store/development.js';
import { createMirrorLedger, type MirrorLedger } from '../store/ledger.js';
import { createObservable } from '../store/observable.js';
import { dataProblem, kindOf } from '../store/store-record.js';

/** A client's immutable copy of one store's state, written by the revision engine. */
export interface Mirror<S> extends Subscribable<S> {
  /** What the engine writes snapshots and deltas through. */
  readonly applier: SnapshotApplier<S>;
  /** The calls the mirrored state holds, kept in step with every apply. */
  readonly ledger: MirrorLedger;
}

/**
 * A mirror starting from `initial`. Deltas are applied copy-on-write, so everything off the
 * changed paths keeps its identity; a full snapshot (first sync, or after a gap) is merged so
 * that parts equal to what was shown before keep their identity too. Listeners hear each
 * change once, after it is in place.
 */
export function createMirror<S>(initial: S, logger: Logger, freeze = false): Mirror<S> {
  // Frozen in development, so that code mutating what it was given throws where it does so.
  const value = createObservable(freeze ? deepFreeze(initial) : initial, logger);
  const set = freeze ? (next: S) => value.set(deepFreeze(next)) : value.set;
  const ledger = createMirrorLedger();
  return {
    getState: value.getState,
    subscribe: value.subscribe,
    ledger,
    applier: {
      apply(snapshot) {
        const problem = dataProblem(snapshot.data, kindOf(value.getState()));
        if (problem !== undefined) throw new StateSyncError('protocol', `snapshot: ${problem}`);
        set(keepEqual(value.getState(), snapshot.data) as S);
        ledger.replaced(snapshot.epoch, snapshot.revision);
      },
      applyPatch(patch) {
        const next = applyPatch(value.getState(), patch.ops);
        const problem = dataProblem(next, kindOf(value.getState()));
        if (problem !== undefined) throw new StateSyncError('protocol', `delta: ${problem}`);
        set(next);
        ledger.applied(patch.epoch, patch.revision);
      },
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
