import {
  applyPatch,
  createStoreApplier,
  type SnapshotApplier,
  type StoreApplierOptions,
} from '@statesync/core';

/**
 * The part of a Zustand store the applier uses. `createStore` from `zustand/vanilla`, the hook
 * `create` returns, and stores wrapped in middleware (`subscribeWithSelector`, `persist`,
 * `devtools`, `immer`) all have it.
 */
export interface ZustandStoreLike<State> {
  getState(): State;
  setState: (state: State, replace: true) => void;
}

/**
 * Options of {@link createZustandSnapshotApplier}: `mode`, `pickKeys`, `omitKeys` and `toState`,
 * with the keys checked against the store's state.
 */
export type ZustandApplierOptions<Data, State> = StoreApplierOptions<Data, State>;

/**
 * Writes statesync snapshots and deltas into a Zustand store, one `setState(next, true)` per
 * apply: subscribers are notified once, and keys the authority removed are really removed.
 * Actions (functions in the state) are never removed.
 *
 * Deltas are applied with `applyPatch` on `getState()`: only the objects and arrays along each
 * op's path are copied, so a change to one item of a long list gives that item (and its
 * ancestors) a new identity and leaves every other item as it was, and selectors of untouched
 * items return the same value. A delta that does not fit the state throws a `protocol`
 * `StateSyncError` and leaves the store unchanged.
 *
 * @example
 * const applier = createZustandSnapshotApplier(store, { omitKeys: ['draft'] });
 */
export function createZustandSnapshotApplier<State extends object, Data = Partial<State>>(
  store: ZustandStoreLike<State>,
  options?: ZustandApplierOptions<Data, State>,
): SnapshotApplier<Data> {
  const read = () => store.getState() as Record<string, unknown>;
  const commit = (next: unknown) => store.setState(next as State, true);
  return createStoreApplier<Data, State>(
    {
      read,
      merge(set, remove) {
        // Spread, not assignment: an own "__proto__" key stays a plain key.
        const next: Record<string, unknown> = { ...read(), ...set };
        for (const key of remove) delete next[key];
        commit(next);
      },
      patch: (ops) => commit(applyPatch(read(), ops)),
    },
    options,
  );
}
