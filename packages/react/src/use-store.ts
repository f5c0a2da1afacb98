import type { Subscribable } from '@statesync/core';
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { memoizeSelection, type Shown } from './selection.js';

/**
 * A store `useStore` can read: any `{ getState, subscribe }`, such as a shared-app store handle
 * (`app.store(definition)`). `getServerState`, when present, is what a server render and the
 * hydrating render show (it must be what the server rendered); without it, `getState()`.
 */
export type ReadableStore<T> = Subscribable<T> & { getServerState?(): T };

const identity = <T>(state: T) => state;

/** The whole state of `store`; the component re-renders on every change. */
export function useStore<T>(store: ReadableStore<T>): T;
/**
 * The part of `store` that `selector` picks; the component re-renders only when that part
 * changes, by `isEqual` (default `Object.is`). The selector may be an inline function.
 */
export function useStore<T, U>(
  store: ReadableStore<T>,
  selector: (state: T) => U,
  isEqual?: (a: U, b: U) => boolean,
): U;
export function useStore<T, U>(
  store: ReadableStore<T>,
  selector: (state: T) => U = identity as (state: T) => U,
  isEqual: (a: U, b: U) => boolean = Object.is,
): U {
  // Depends on the store only: a new selector never resubscribes.
  const subscribe = useCallback(
    (onChange: () => void) => store.subscribe(() => onChange()),
    [store],
  );
  const shown = useRef<Shown<U>>({ has: false, value: undefined as U });
  const [getSelection, getServerSelection] = useMemo(() => {
    const select = memoizeSelection(selector, isEqual, shown.current);
    const selectServer = memoizeSelection(selector, isEqual, shown.current);
    return [
      () => select(store.getState()),
      () => selectServer(store.getServerState ? store.getServerState() : store.getState()),
    ] as const;
  }, [store, selector, isEqual]);
  const value = useSyncExternalStore(subscribe, getSelection, getServerSelection);
  useEffect(() => {
    shown.current.has = true;
    shown.current.value = value;
  }, [value]);
  return value;
}
