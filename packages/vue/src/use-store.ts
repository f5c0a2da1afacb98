import type { Subscribable } from '@statesync/core';
import { getCurrentScope, onScopeDispose, type ShallowRef, shallowRef } from 'vue';

const identity = <T>(state: T) => state;

/**
 * A read-only ref on a statesync store: any `{ getState, subscribe }`, such as a shared-app store
 * handle (`app.store(definition)`), or the part of it that `selector` picks. The ref changes, and
 * whatever reads it re-runs, only when the selected value changes by `isEqual` (default
 * `Object.is`): the state is immutable and untouched parts keep their identity, so a change
 * elsewhere in the store does not reach the component.
 *
 * Call it in `setup()` (or inside an `effectScope`): it subscribes at once and unsubscribes when
 * the scope is disposed. Called outside any scope, it stays subscribed.
 */
export function useStore<T>(store: Subscribable<T>): Readonly<ShallowRef<T>>;
export function useStore<T, U>(
  store: Subscribable<T>,
  selector: (state: T) => U,
  isEqual?: (a: U, b: U) => boolean,
): Readonly<ShallowRef<U>>;
export function useStore<T, U>(
  store: Subscribable<T>,
  selector: (state: T) => U = identity as (state: T) => U,
  isEqual: (a: U, b: U) => boolean = Object.is,
): Readonly<ShallowRef<U>> {
  // A shallow ref: the selection is immutable state, handed out as is (no deep proxy), so
  // comparing its parts by identity keeps working.
  const selected = shallowRef(selector(store.getState()));
  const unsubscribe = store.subscribe((state) => {
    const next = selector(state);
    if (!isEqual(selected.value, next)) selected.value = next;
  });
  if (getCurrentScope()) onScopeDispose(unsubscribe);
  return selected;
}
