import {
  applyPatchInPlace,
  createStoreApplier,
  mergeOps,
  type PatchOp,
  type SnapshotApplier,
  StateSyncError,
  type StoreApplierOptions,
} from '@statesync/core';
import { isObservableArray, isObservableObject, runInAction } from 'mobx';

/** Options of {@link createMobxSnapshotApplier}: the shared options of `@statesync/core`. */
export type MobxSnapshotApplierOptions<Data, State> = StoreApplierOptions<Data, State>;

/** The keys of `State` that hold data, not functions: what a snapshot can carry. */
export type MobxStateData<State> = {
  [K in keyof State as State[K] extends (...args: never[]) => unknown ? never : K]: State[K];
};

/**
 * Writes statesync snapshots and deltas into a MobX observable object, each apply inside one
 * `runInAction`: reactions and observers run once per apply, never on a half-applied state.
 *
 * The state must be a plain observable object, `observable({...})` with MobX's defaults (deep,
 * proxy-based), so that keys can be added and deleted observably. Snapshots assign their
 * top-level keys (MobX turns the values into observables) and delete the keys the authority
 * removed. Deltas are applied in place with `applyPatchInPlace`: only the properties and array
 * slots an op names are written, so a change to one field of one item of a long list notifies
 * only the observers of that field. A delta that fails is undone and throws a `StateSyncError`;
 * the engine then pulls a snapshot.
 *
 * @param state The observable object the synced data lives in; it stays the same object. Its
 *   actions (functions) are never removed, and the snapshot data defaults to its other keys.
 * @throws {StateSyncError} `invalid_option` when `state` is not a plain observable object.
 * @example
 * const settings = observable({ theme: 'light', fontSize: 14 });
 * const applier = createMobxSnapshotApplier(settings);
 */
export function createMobxSnapshotApplier<State extends object, Data = MobxStateData<State>>(
  state: State,
  options: MobxSnapshotApplierOptions<Data, State> = {},
): SnapshotApplier<Data> {
  if (!isObservableObject(state) || Object.getPrototypeOf(state) !== Object.prototype) {
    throw new StateSyncError(
      'invalid_option',
      'state must be a plain observable object, e.g. observable({ ... }); for a class store, ' +
        'pass an observable object it holds',
    );
  }
  return createStoreApplier<Data, State>(
    {
      read: () => state,
      // In place and undone on failure: a computed key refuses its write mid-merge.
      merge: (set, remove) => runInAction(() => applyPatchInPlace(state, mergeOps(set, remove))),
      patch: (ops) =>
        runInAction(() => {
          assertObservablePaths(state, ops);
          applyPatchInPlace(state, ops);
        }),
      // Deep observables convert what they are given into observable copies.
      values: 'converted',
    },
    options,
  );
}

/**
 * Refuses ops that would write into an object or array MobX does not observe (a value kept with
 * `observable.ref` or `observable.shallow`, or a frozen one): the write would notify nobody and
 * could change data the snapshot shares with its sender. Missing paths are left to
 * `applyPatchInPlace`, which reports them.
 */
function assertObservablePaths(root: object, ops: readonly PatchOp[]): void {
  for (const op of ops) {
    const path = op?.path;
    if (!Array.isArray(path)) continue;
    let node: unknown = root;
    for (let depth = 0; depth < path.length; depth++) {
      if (typeof node !== 'object' || node === null) break;
      if (!isObservableObject(node) && !isObservableArray(node)) {
        throw new StateSyncError(
          'apply_failed',
          `cannot apply ${JSON.stringify(op.op)} at ${JSON.stringify(path)}: ` +
            `${JSON.stringify(path.slice(0, depth))} is not observable ` +
            '(kept with observable.ref or observable.shallow?), so the change would go unseen',
        );
      }
      const key = String(path[depth]);
      if (!Object.hasOwn(node, key)) break;
      node = (node as Record<string, unknown>)[key];
    }
  }
}
