import type { Subscribable } from '@statesync/core';
import type { ShallowRef } from 'vue';
import { useStore } from './use-store.js';

/** A store with methods: a shared-app store handle (`app.store(definition)`). */
export type StoreWithActions<T, A> = Subscribable<T> & { readonly actions: A };

/**
 * A read-only ref on the state of a shared-app store (or the part `selector` picks, compared by
 * `isEqual`) and its actions, bound to the authority:
 * `const { state, actions } = useSharedStore(todos)`, then `await actions.add('milk')`.
 * Subscribes and unsubscribes as {@link useStore} does.
 */
export function useSharedStore<T, A>(
  store: StoreWithActions<T, A>,
): { state: Readonly<ShallowRef<T>>; actions: A };
export function useSharedStore<T, A, U>(
  store: StoreWithActions<T, A>,
  selector: (state: T) => U,
  isEqual?: (a: U, b: U) => boolean,
): { state: Readonly<ShallowRef<U>>; actions: A };
export function useSharedStore<T, A, U>(
  store: StoreWithActions<T, A>,
  selector?: (state: T) => U,
  isEqual?: (a: U, b: U) => boolean,
): { state: Readonly<ShallowRef<T | U>>; actions: A } {
  const state = selector ? useStore(store, selector, isEqual) : useStore(store);
  return { state, actions: store.actions };
}
