import {
  applyPatchInPlace,
  createStoreApplier,
  mergeOps,
  type SnapshotApplier,
  StateSyncError,
  type StoreApplierOptions,
} from '@statesync/core';
import { getVersion } from 'valtio/vanilla';

/**
 * Options of {@link createValtioSnapshotApplier}: the shared `mode`, `pickKeys`, `omitKeys` and
 * `toState` of `@statesync/core`, with the keys checked against the proxy's state.
 */
export type ValtioSnapshotApplierOptions<Data, State> = StoreApplierOptions<Data, State>;

/**
 * Writes statesync snapshots and deltas into a Valtio proxy, in place.
 *
 * A snapshot assigns the top-level keys whose value changed (and, in `'replace'` mode or when the
 * authority dropped them, deletes keys). Deltas are applied with `applyPatchInPlace`, which writes
 * only the keys along each op's path: a change to one item of a long list mutates that item
 * alone, so `snapshot()` keeps every other item's snapshot object, `useSnapshot` re-renders only
 * the components that read the changed item, and `subscribe` on another item does not fire.
 * Valtio batches the writes of one apply into one notification for `subscribe` (unless it was
 * called with `notifyInSync`). A delta that fails is undone and throws a `StateSyncError`; the
 * engine then pulls a snapshot.
 *
 * Values are deep-copied (plain objects and arrays) before Valtio sees them (the binding's
 * `values: 'adopted'`): Valtio adopts an assigned object as the target of its proxy, so without the copy
 * later in-place writes would mutate the snapshot or event the engine was given, which an
 * in-process authority shares with other windows.
 *
 * @param proxyState An object created with `proxy()` from `valtio` or `valtio/vanilla`.
 * @example
 * const settings = proxy<Settings>({ theme: 'light', fontSize: 14 });
 * const applier = createValtioSnapshotApplier(settings);
 */
export function createValtioSnapshotApplier<State extends object, Data = State>(
  proxyState: State,
  options: ValtioSnapshotApplierOptions<Data, State> = {},
): SnapshotApplier<Data> {
  if (getVersion(proxyState) === undefined) {
    throw new StateSyncError('invalid_option', 'proxyState must be a Valtio proxy (see proxy())');
  }
  const state = proxyState as Record<string, unknown>;
  return createStoreApplier<Data, State>(
    {
      read: () => state,
      merge: (set, remove) => applyPatchInPlace(state, mergeOps(set, remove)),
      patch: (ops) => applyPatchInPlace(state, ops),
      // Valtio adopts an assigned object as its proxy's target and writes to it later.
      values: 'adopted',
    },
    options,
  );
}
