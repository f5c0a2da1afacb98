import {
  applyPatchInPlace,
  createStoreApplier,
  mergeOps,
  type PatchOp,
  type SnapshotApplier,
  type StoreApplierOptions,
} from '@statesync/core';
import type { StoreGeneric } from 'pinia';
import { isRef, toRaw } from 'vue';

/** The state of a Pinia store: what `store.$state` holds. */
export type PiniaState<TStore extends StoreGeneric> = TStore['$state'];

/**
 * Options of {@link createPiniaSnapshotApplier}: `mode`, `pickKeys`, `omitKeys` and `toState`
 * from `@statesync/core`, with keys checked against the store's state.
 */
export type PiniaSnapshotApplierOptions<
  TStore extends StoreGeneric,
  Data = Partial<PiniaState<TStore>>,
> = StoreApplierOptions<Data, PiniaState<TStore>>;

/**
 * Writes statesync snapshots and deltas into a Pinia store (options or setup store).
 *
 * Every snapshot and every delta is one `store.$patch(...)`, so `$subscribe` listeners run once
 * per apply. Deltas are applied in place along their paths, so a change to one item of a long
 * list re-runs only the effects that read that item. A delta that does not fit the state leaves
 * it unchanged and throws a `protocol` `StateSyncError`; the engine then pulls a snapshot.
 *
 * Objects and arrays from snapshots and deltas are copied before they are written, since the
 * store mutates what it holds: the engine's snapshots are never changed.
 *
 * In a setup store a top-level key held in a `ref()` is never deleted (the store keeps using the
 * ref): when the authority removes it, it is set to `undefined`.
 *
 * The snapshot's data is typed as a `Partial` of the store's state, since local-only keys are
 * never sent; with `toState`, it is `toState`'s parameter.
 *
 * @param store The store to write, e.g. `useSettingsStore()`.
 * @param options `mode` (default `'patch'`), `pickKeys`, `omitKeys`, `toState`.
 */
export function createPiniaSnapshotApplier<
  TStore extends StoreGeneric,
  Data = Partial<PiniaState<TStore>>,
>(store: TStore, options: PiniaSnapshotApplierOptions<TStore, Data> = {}): SnapshotApplier<Data> {
  /** The raw state object: in a setup store it holds the store's refs. */
  const raw = () => toRaw(store.$state) as Record<string, unknown>;
  const isRefKey = (key: string) => isRef(raw()[key]);
  /** Removing a ref-held key that is already `undefined` changes nothing. */
  const changes = (key: string) => {
    const value = raw()[key];
    return !isRef(value) || value.value !== undefined;
  };

  return createStoreApplier<Data, PiniaState<TStore>>(
    {
      read: () => store.$state,
      merge(set, remove) {
        const removed = remove.filter(changes);
        if (Object.keys(set).length === 0 && removed.length === 0) return;
        const ops = mergeOps(set, removed).map(keepRefs(isRefKey));
        patch(store, (state) => applyPatchInPlace(state, ops));
      },
      patch(ops) {
        const native = ops.map(keepRefs(isRefKey));
        patch(store, (state) => applyPatchInPlace(state, native));
      },
      // The store writes through to the raw objects it is given.
      values: 'adopted',
    },
    options,
  );
}

/** A root-level `remove` of a ref-held key becomes `replace` with `undefined`. */
function keepRefs(isRefKey: (key: string) => boolean) {
  return (op: PatchOp): PatchOp =>
    op?.op === 'remove' &&
    Array.isArray(op.path) &&
    op.path.length === 1 &&
    isRefKey(String(op.path[0]))
      ? { op: 'replace', path: op.path, value: undefined }
      : op;
}

/**
 * `store.$patch` with a mutator that may throw. Pinia leaves its `$subscribe` listeners paused
 * forever when the mutator throws, so the error is rethrown only after `$patch` has returned.
 */
function patch(store: StoreGeneric, mutate: (state: Record<string, unknown>) => void): void {
  let failure: { error: unknown } | undefined;
  store.$patch((state: Record<string, unknown>) => {
    try {
      mutate(state);
    } catch (error) {
      failure = { error };
    }
  });
  if (failure) throw failure.error;
}
