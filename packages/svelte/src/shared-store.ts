import type { Subscribable } from '@statesync/core';
import type { Readable } from 'svelte/store';
import { toReadable } from './readable-store.js';

/** A store with methods: a shared-app store handle (`app.store(definition)`). */
export type StoreWithActions<T, A> = Subscribable<T> & { readonly actions: A };

/** A Svelte `Readable` of a shared-app store that also carries the store's actions. */
export type SharedReadable<U, A> = Readable<U> & { readonly actions: A };

/**
 * A Svelte `Readable` on a shared-app store (or the part `selector` picks, compared by
 * `isEqual`) with the store's actions beside it, bound to the authority:
 * `const todos = toSharedStore(handle)`, then `$todos.items` and `await todos.actions.add('milk')`.
 * Subscribes as {@link toReadable} does.
 */
export function toSharedStore<T, A>(store: StoreWithActions<T, A>): SharedReadable<T, A>;
export function toSharedStore<T, A, U>(
  store: StoreWithActions<T, A>,
  selector: (state: T) => U,
  isEqual?: (a: U, b: U) => boolean,
): SharedReadable<U, A>;
export function toSharedStore<T, A, U>(
  store: StoreWithActions<T, A>,
  selector?: (state: T) => U,
  isEqual?: (a: U, b: U) => boolean,
): SharedReadable<T | U, A> {
  const readable: Readable<T | U> = selector
    ? toReadable(store, selector, isEqual)
    : toReadable(store);
  return { subscribe: readable.subscribe, actions: store.actions };
}
