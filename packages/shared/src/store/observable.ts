import type { Logger, Subscribable, Unsubscribe } from '@statesync/core';

export interface Observable<T> extends Subscribable<T> {
  /** Replaces the value and tells the listeners, unless it is the same value. */
  set(next: T): void;
}

/** A value and its listeners; a listener that throws is logged and does not stop the others. */
export function createObservable<T>(initial: T, logger: Logger): Observable<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  return {
    getState: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) {
        if (!listeners.has(listener)) continue;
        try {
          listener(value);
        } catch (error) {
          logger.error('store listener threw', { error });
        }
      }
    },
    subscribe(listener): Unsubscribe {
      // A wrapper per call: the same function subscribed twice is two subscriptions.
      const own = (next: T) => listener(next);
      listeners.add(own);
      return () => {
        listeners.delete(own);
      };
    },
  };
}
