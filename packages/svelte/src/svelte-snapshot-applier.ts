import {
  applyPatch,
  createStoreApplier,
  type SnapshotApplier,
  StateSyncError,
  type StoreApplierOptions,
} from '@statesync/core';
import { get, type Writable } from 'svelte/store';

/**
 * Options of {@link createSvelteSnapshotApplier}: the shared `mode`, `pickKeys`, `omitKeys` and
 * `toState` of `@statesync/core`. The keys are checked against the store's value without
 * `null`/`undefined`, so a store that starts empty can still pick keys.
 */
export type SvelteSnapshotApplierOptions<Data, State> = StoreApplierOptions<
  Data,
  NonNullable<State>
>;

/**
 * Writes statesync snapshots and deltas into a Svelte writable store, with one `store.set` per
 * apply: every subscriber (`$store` in components, `derived` stores) runs once.
 *
 * Snapshots are merged into (or, in `'replace'` mode, replace) the store's object value; a store
 * holding something other than an object (a number, a list) takes the data whole in `'replace'`
 * mode. Deltas are applied with `applyPatch`, which copies only the objects and arrays along each
 * op's path: every untouched item keeps its identity, so keyed `{#each}` blocks and
 * identity-comparing code skip it. A delta that fails leaves the store as it was and throws a
 * `StateSyncError`; the engine then pulls a snapshot.
 *
 * @param store A `writable` from `svelte/store` (Svelte 4 or 5), or any store with the same
 *   `set`/`update`/`subscribe` contract, holding the synced state.
 * @example
 * const settings = writable<Settings>({ theme: 'light', fontSize: 14 });
 * const applier = createSvelteSnapshotApplier(settings, { omitKeys: ['fontSize'] });
 */
export function createSvelteSnapshotApplier<State, Data = NonNullable<State>>(
  store: Writable<State>,
  options: SvelteSnapshotApplierOptions<Data, State> = {},
): SnapshotApplier<Data> {
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.set !== 'function' ||
    typeof store.update !== 'function' ||
    typeof store.subscribe !== 'function'
  ) {
    throw new StateSyncError('invalid_option', 'store must be a Svelte writable store');
  }
  return createStoreApplier<Data, NonNullable<State>>(
    {
      read: () => get(store),
      merge(set, remove) {
        store.update((current) => {
          // Spread defines own data properties, so a `__proto__` key stays a plain key.
          const next: Record<string, unknown> = isPlainObject(current)
            ? { ...current, ...set }
            : { ...set };
          for (const key of remove) delete next[key];
          return next as State;
        });
      },
      // applyPatch throws inside the updater, before `set`: a failed delta changes nothing.
      patch: (ops) => store.update((current) => applyPatch(current, ops)),
      replace: (value) => store.set(value as State),
    },
    options,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
