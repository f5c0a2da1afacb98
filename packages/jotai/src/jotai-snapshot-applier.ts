import {
  applyPatch,
  createStoreApplier,
  type SnapshotApplier,
  type StoreApplierOptions,
} from '@statesync/core';
import { type createStore, getDefaultStore, type WritableAtom } from 'jotai/vanilla';

/** A Jotai store: what `createStore()` and `getDefaultStore()` from `jotai/vanilla` return. */
export type JotaiStore = ReturnType<typeof createStore>;

/**
 * Options of {@link createJotaiSnapshotApplier}: the shared `mode`, `pickKeys`, `omitKeys` and
 * `toState` of `@statesync/core`, plus the store the atom lives in. The keys are checked against
 * the atom's value without `null`/`undefined`, so an atom that starts empty can still pick keys.
 */
export interface JotaiSnapshotApplierOptions<Data, State>
  extends StoreApplierOptions<Data, NonNullable<State>> {
  /** The store whose value of the atom is written. @default getDefaultStore() */
  store?: JotaiStore;
}

/**
 * Writes statesync snapshots and deltas into a writable Jotai atom, with one `store.set` per
 * apply: components and derived atoms are notified once.
 *
 * Snapshots are merged into (or, in `'replace'` mode, replace) the atom's object value; an atom
 * holding something other than an object (a number, a list) takes the data whole in `'replace'`
 * mode. Deltas are applied with `applyPatch`, which copies only the objects and arrays along each
 * op's path: every untouched item keeps its identity, so atoms derived from other parts of the
 * state compare equal (`Object.is`) and their subscribers are not notified. A delta that fails
 * leaves the atom as it was and throws a `StateSyncError`; the engine then pulls a snapshot.
 *
 * @param atom A writable atom whose value is the synced state, e.g. `atom<Settings>(initial)`.
 * @example
 * const settingsAtom = atom<Settings>({ theme: 'light', fontSize: 14 });
 * const applier = createJotaiSnapshotApplier(settingsAtom, { store });
 */
export function createJotaiSnapshotApplier<State, Data = NonNullable<State>>(
  atom: WritableAtom<State, [Deferred<State>], unknown>,
  options: JotaiSnapshotApplierOptions<Data, State> = {},
): SnapshotApplier<Data> {
  const { store = getDefaultStore(), ...applierOptions } = options;
  return createStoreApplier<Data, NonNullable<State>>(
    {
      read: () => store.get(atom),
      merge(set, remove) {
        const current = store.get(atom);
        // Spread defines own data properties, so a `__proto__` key stays a plain key.
        const next: Record<string, unknown> = isPlainObject(current)
          ? { ...current, ...set }
          : { ...set };
        for (const key of remove) delete next[key];
        store.set(atom, next as State);
      },
      // applyPatch throws before anything is written, so a failed delta leaves the atom untouched.
      patch: (ops) => store.set(atom, applyPatch(store.get(atom), ops)),
      replace: (value) => store.set(atom, value as State),
    },
    applierOptions,
  );
}

/**
 * `State`, hidden from inference: the atom's value decides `State`, not its setter's argument
 * (a `PrimitiveAtom` also accepts an updater function). `NoInfer` needs TypeScript 5.4.
 */
type Deferred<T> = [T][T extends unknown ? 0 : never];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
