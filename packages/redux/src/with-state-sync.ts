import { applyPatch, StateSyncError, type Topic } from '@statesync/core';
import type { Action, Reducer } from 'redux';
import { applyStateSync, type StateSyncApplyAction, type StateSyncChange } from './action.js';
import { recallPatch } from './precomputed.js';

/** Options of {@link withStateSync}. */
export interface StateSyncReducerOptions {
  /**
   * Only `statesync/apply` actions of this topic are applied: the topic given to
   * `createReduxSnapshotApplier`. Lets several slices each sync a topic of their own.
   */
  topic: Topic;
}

/**
 * The actions a wrapped reducer takes: its own and {@link StateSyncApplyAction}. When they are
 * already any action (`UnknownAction` of Redux Toolkit slices, Redux 4's `AnyAction`), that type
 * stays as it is: it includes ours.
 */
export type WithStateSyncAction<A extends Action> = AnyActionShape extends A
  ? A
  : A | StateSyncApplyAction;

/** Redux 5's `UnknownAction`, spelled out so that the types also work with Redux 4. */
type AnyActionShape = { type: string; [extra: string]: unknown };

/**
 * Wraps a reducer (a slice's, or a whole store's) so that it applies the `statesync/apply`
 * actions of one topic, which `createReduxSnapshotApplier` dispatches. Every other action goes
 * to `reducer` unchanged; statesync actions of this topic do not.
 *
 * Pure and memoryless: the action carries the change itself (a merge, delta ops or a
 * replacement, worked out by the applier), applied immutably with structural sharing. DevTools
 * can replay, skip and reorder recorded actions, and one wrapped reducer can serve any number of
 * stores. A delta that does not fit the state throws a `protocol` `StateSyncError` (the applier
 * checks its deltas before dispatching, so only a foreign dispatch gets there).
 */
export function withStateSync<State, A extends Action>(
  reducer: Reducer<State, A>,
  options: StateSyncReducerOptions,
): Reducer<State, WithStateSyncAction<A>> {
  const { topic } = options;
  if (typeof topic !== 'string' || topic === '') {
    throw new StateSyncError('invalid_option', 'topic must be a non-empty string');
  }
  return (state, action) => {
    if (!applyStateSync.match(action) || action.payload?.topic !== topic) {
      return reducer(state, action as A);
    }
    // Only before Redux's init action: the wrapped reducer gives its initial state.
    const base = state === undefined ? reducer(undefined, action as unknown as A) : state;
    return applyChange(base, action.payload.change) as State;
  };
}

/** The state after `change`: new objects along what changed, everything else shared. */
function applyChange(state: unknown, change: StateSyncChange | undefined): unknown {
  switch (change?.kind) {
    case 'merge': {
      // Spread, not assignment: an own "__proto__" key stays a plain key.
      const next: Record<string, unknown> = {
        ...(typeof state === 'object' && state !== null ? state : {}),
        ...change.set,
      };
      for (const key of change.remove) delete next[key];
      return next;
    }
    case 'patch':
      return (recallPatch(change.ops, state) ?? { to: applyPatch(state, change.ops) }).to;
    case 'replace':
      return change.value;
    default:
      throw new StateSyncError(
        'protocol',
        `${String((change as { kind?: unknown } | undefined)?.kind)} is not a kind of statesync change (merge, patch, replace)`,
      );
  }
}
