import type { Subscribable, Unsubscribe } from '@statesync/core';

/** A value that changes over time, in the `{ getState, subscribe }` shape bindings consume. */
export interface Value<T> extends Subscribable<T> {
  set(next: T): void;
}

export function createValue<T>(initial: T): Value<T> {
  let current = initial;
  const listeners = new Set<(value: T) => void>();
  return {
    getState: () => current,
    set(next) {
      if (Object.is(next, current)) return;
      current = next;
      for (const listener of [...listeners]) listener(current);
    },
    subscribe(listener): Unsubscribe {
      const own = (value: T) => listener(value);
      listeners.add(own);
      return () => {
        listeners.delete(own);
      };
    },
  };
}
