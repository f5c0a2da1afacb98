import type { PatchOp, Revision, Topic } from '@statesync/core';

/** The type of the one action statesync dispatches: readable in Redux DevTools. */
export const STATESYNC_APPLY = 'statesync/apply';

/**
 * One write to the synced state, worked out by the applier; plain JSON.
 * - `merge`: set the top-level keys of `set`, then delete the keys in `remove`.
 * - `patch`: apply `ops` (paths from the state's root) with `applyPatch` from `@statesync/core`.
 * - `replace`: the state becomes `value`.
 */
export type StateSyncChange =
  | { kind: 'merge'; set: Record<string, unknown>; remove: readonly string[] }
  | { kind: 'patch'; ops: readonly PatchOp[] }
  | { kind: 'replace'; value: unknown };

/** The payload of a {@link StateSyncApplyAction}. */
export type StateSyncPayload = {
  /** Which `withStateSync` reducer applies the change: the one wrapped with this topic. */
  topic: Topic;
  /** The revision the change brings the state to, for DevTools and other slices to read. */
  revision?: Revision;
  change: StateSyncChange;
};

/**
 * The action {@link createReduxSnapshotApplier} dispatches and {@link withStateSync} handles. A
 * plain serializable object, so Redux Toolkit's dev checks accept it and DevTools records (and
 * replays) it. A type alias, not an interface, so that it is assignable to Redux's
 * `UnknownAction`.
 */
export type StateSyncApplyAction = {
  type: typeof STATESYNC_APPLY;
  payload: StateSyncPayload;
};

/** Creates a {@link StateSyncApplyAction}; RTK-compatible (`.type`, `.match`). */
export interface ApplyStateSync {
  (payload: StateSyncPayload): StateSyncApplyAction;
  readonly type: typeof STATESYNC_APPLY;
  /** Type guard, e.g. for RTK's `builder.addMatcher(applyStateSync.match, ...)`. */
  match(action: unknown): action is StateSyncApplyAction;
}

/**
 * The action creator of {@link STATESYNC_APPLY}. Apps rarely call it: the applier does. Other
 * slices can react to synced changes with `builder.addMatcher(applyStateSync.match, reducer)`.
 */
export const applyStateSync: ApplyStateSync = Object.assign(
  (payload: StateSyncPayload): StateSyncApplyAction => ({ type: STATESYNC_APPLY, payload }),
  {
    type: STATESYNC_APPLY as typeof STATESYNC_APPLY,
    match: (action: unknown): action is StateSyncApplyAction =>
      typeof action === 'object' &&
      action !== null &&
      (action as { type?: unknown }).type === STATESYNC_APPLY,
  },
);
