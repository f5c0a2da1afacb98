import type { Subscribable } from '@statesync/core';
import { type Readable, readable } from 'svelte/store';

const identity = <T>(state: T) => state;

/**
 * A Svelte `Readable` on a statesync store: any `{ getState, subscribe }`, such as a shared-app
 * store handle (`app.store(definition)`), or the part of it that `selector` picks. Use it as
 * `$store` in components or with `derived`.
 *
 * It subscribes to `store` when it gets its first subscriber and unsubscribes after its last,
 * and tells its subscribers only when the selected value changes by `isEqual` (default
 * `Object.is`; Svelte alone would tell them about every new object).
 */
export function toReadable<T>(store: Subscribable<T>): Readable<T>;
export function toReadable<T, U>(
  store: Subscribable<T>,
  selector: (state: T) => U,
  isEqual?: (a: U, b: U) => boolean,
): Readable<U>;
export function toReadable<T, U>(
  store: Subscribable<T>,
  selector: (state: T) => U = identity as (state: T) => U,
  isEqual: (a: U, b: U) => boolean = Object.is,
): Readable<U> {
  let current = selector(store.getState());
  return readable(current, (set) => {
    const update = (state: T) => {
      const next = selector(state);
      if (isEqual(current, next)) return;
      current = next;
      set(next);
    };
    // The store may have changed while nobody listened.
    update(store.getState());
    return store.subscribe(update);
  });
}
