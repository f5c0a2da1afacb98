import { notCloneable } from './cloneable.js';
import { StateSyncError } from './errors.js';
import { noopLogger } from './logger.js';
import type { Logger, Transport, Unsubscribe } from './types.js';

export interface MemoryHubOptions {
  /**
   * Structured-clone every message, as real window boundaries do, so a value that could not
   * cross one fails here too, and each receiving end gets its own copy. @default true
   */
  clone?: boolean;
  /** Told about listeners that throw; delivery to the other listeners goes on. @default noopLogger */
  logger?: Logger;
}

export interface MemoryHub {
  /** A new end of the hub; what it sends reaches every other open end, in order, asynchronously. */
  connect(): Transport;
  /** Ends that are open and have at least one listener: 0 once everything was cleaned up. */
  openCount(): number;
}

type Listener = (message: unknown) => void;

/** An in-process broadcast medium, like a BroadcastChannel shared by all ends of one hub. */
export function createMemoryHub(options: MemoryHubOptions = {}): MemoryHub {
  const clone = options.clone ?? true;
  const logger = options.logger ?? noopLogger;
  const ends = new Set<Set<Listener>>();

  const copy = (message: unknown): unknown => {
    if (!clone) return message;
    try {
      return structuredClone(message);
    } catch (error) {
      throw notCloneable(message, error);
    }
  };

  const deliver = (end: Set<Listener>, message: unknown) => {
    // Listeners that unsubscribed (or an end that closed) after the send get nothing.
    for (const listener of [...end]) {
      if (!end.has(listener)) continue;
      try {
        listener(message);
      } catch (error) {
        // A throw here would escape a microtask as an uncaught exception (fatal in Node) and is
        // the listener's own bug, so it goes to the logger, as a BroadcastChannel sends it to
        // the global error handler without failing the other listeners.
        logger.error('transport listener threw', { error });
      }
    }
  };

  return {
    openCount: () => ends.size,
    connect() {
      const listeners = new Set<Listener>();
      let closed = false;
      return {
        send(message) {
          if (closed) throw new StateSyncError('stopped', 'send on a closed memory transport');
          // Cloned before anything is queued: a message that cannot be cloned reaches nobody.
          const first = copy(message);
          let firstUsed = false;
          for (const end of ends) {
            if (end === listeners) continue;
            // Each end gets its own copy, as each BroadcastChannel object deserialises its own.
            const received = firstUsed ? copy(message) : first;
            firstUsed = true;
            queueMicrotask(() => deliver(end, received));
          }
        },
        subscribe(listener): Unsubscribe {
          if (closed) throw new StateSyncError('stopped', 'subscribe on a closed memory transport');
          // Wrapped so that the same function subscribed twice is two subscriptions.
          const own: Listener = (message) => listener(message);
          listeners.add(own);
          ends.add(listeners);
          return () => {
            listeners.delete(own);
            if (listeners.size === 0) ends.delete(listeners);
          };
        },
        close() {
          closed = true;
          listeners.clear();
          ends.delete(listeners);
        },
      };
    },
  };
}
