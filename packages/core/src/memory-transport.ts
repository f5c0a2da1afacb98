import { StateSyncError } from './errors.js';
import type { Transport, Unsubscribe } from './types.js';

export interface MemoryHubOptions {
  /**
   * Structured-clone every message, as real window boundaries do, so a value that could not
   * cross one fails here too. @default true
   */
  clone?: boolean;
}

export interface MemoryHub {
  /** A new end of the hub; what it sends reaches every other open end, in order, asynchronously. */
  connect(): Transport;
  /** Ends that are open and have at least one listener: 0 once everything was cleaned up. */
  openCount(): number;
}

/** An in-process broadcast medium, like a BroadcastChannel shared by all ends of one hub. */
export function createMemoryHub(options: MemoryHubOptions = {}): MemoryHub {
  const clone = options.clone ?? true;
  const ends = new Set<Set<(message: unknown) => void>>();

  return {
    openCount: () => ends.size,
    connect() {
      const listeners = new Set<(message: unknown) => void>();
      let closed = false;
      return {
        send(message) {
          if (closed) throw new StateSyncError('stopped', 'send on a closed memory transport');
          let copy = message;
          if (clone) {
            try {
              copy = structuredClone(message);
            } catch (error) {
              throw new StateSyncError('not_cloneable', `message cannot be cloned: ${String(error)}`, {
                cause: error,
              });
            }
          }
          for (const end of ends) {
            if (end === listeners) continue;
            for (const listener of [...end]) queueMicrotask(() => listener(copy));
          }
        },
        subscribe(listener): Unsubscribe {
          if (closed) throw new StateSyncError('stopped', 'subscribe on a closed memory transport');
          listeners.add(listener);
          ends.add(listeners);
          return () => {
            listeners.delete(listener);
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
