import type { Subscribable, Unsubscribe } from './types.js';

export interface Store<T> extends Subscribable<T> {
  setState(next: T): void;
  /** How many listeners are subscribed: lets tests check that nothing was left subscribed. */
  listenerCount(): number;
}

/** A value plus its listeners. A listener that throws does not stop the others. */
export function createStore<T>(initial: T, onListenerError?: (error: unknown) => void): Store<T> {
  let state = initial;
  const listeners = new Set<(state: T) => void>();
  return {
    getState: () => state,
    setState(next) {
      if (Object.is(next, state)) return;
      state = next;
      // The engine's status moves several times per fetch, usually with nobody listening.
      if (listeners.size === 0) return;
      for (const listener of [...listeners]) {
        try {
          listener(state);
        } catch (error) {
          onListenerError?.(error);
        }
      }
    },
    listenerCount: () => listeners.size,
    subscribe(listener): Unsubscribe {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
