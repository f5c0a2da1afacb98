import type { Subscribable, Unsubscribe } from './types.js';

/** A value and its listeners: the one listener set every store and status of statesync uses. */
export interface Observable<T> extends Subscribable<T> {
  /** Replaces the value and tells the listeners, unless it is the same value (`Object.is`). */
  set(next: T): void;
  /** How many listeners are subscribed: lets tests check that nothing was left subscribed. */
  listenerCount(): number;
}

/**
 * A value plus its listeners. A listener that throws goes to `onListenerError` and does not stop
 * the others; one unsubscribed by an earlier listener is not called. Each `subscribe` is its own
 * subscription, even for a function subscribed twice.
 */
export function createObservable<T>(
  initial: T,
  onListenerError?: (error: unknown) => void,
): Observable<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  return {
    getState: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      // The engine's status moves several times per fetch, usually with nobody listening.
      if (listeners.size === 0) return;
      for (const listener of [...listeners]) {
        if (!listeners.has(listener)) continue;
        try {
          listener(value);
        } catch (error) {
          onListenerError?.(error);
        }
      }
    },
    listenerCount: () => listeners.size,
    subscribe(listener): Unsubscribe {
      const own = (next: T) => listener(next);
      listeners.add(own);
      return () => {
        listeners.delete(own);
      };
    },
  };
}
