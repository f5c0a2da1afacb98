import { type ReadableStore, useStore } from './use-store.js';

const identity = <T>(state: T) => state;

/** A store with methods: a shared-app store handle (`app.store(definition)`). */
export type StoreWithActions<T, A> = ReadableStore<T> & { readonly actions: A };

/**
 * The state of a shared-app store (or the part `selector` picks, compared by `isEqual`) and its
 * actions, bound to the authority: `const { state, actions } = useSharedStore(todos)`, then
 * `await actions.add('milk')`. Re-renders as {@link useStore} does; `actions` keeps its identity
 * for the store's life, so it can go in dependency arrays.
 */
export function useSharedStore<T, A>(store: StoreWithActions<T, A>): { state: T; actions: A };
export function useSharedStore<T, A, U>(
  store: StoreWithActions<T, A>,
  selector: (state: T) => U,
  isEqual?: (a: U, b: U) => boolean,
): { state: U; actions: A };
export function useSharedStore<T, A, U>(
  store: StoreWithActions<T, A>,
  selector?: (state: T) => U,
  isEqual?: (a: U, b: U) => boolean,
): { state: T | U; actions: A } {
  const state = useStore<T, T | U>(
    store,
    selector ?? identity,
    isEqual as ((a: T | U, b: T | U) => boolean) | undefined,
  );
  return { state, actions: store.actions };
}
