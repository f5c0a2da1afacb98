import { noopLogger } from './logger.js';
import { createTransportEnd, type TransportEnd } from './transport-end.js';
import type { Logger, Transport } from './types.js';

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

/** An in-process broadcast medium, like a BroadcastChannel shared by all ends of one hub. */
export function createMemoryHub(options: MemoryHubOptions = {}): MemoryHub {
  const clone = options.clone ?? true;
  const logger = options.logger ?? noopLogger;
  // The ends that listen: a send reaches these.
  const ends = new Set<TransportEnd>();
  const copy = (message: unknown) => (clone ? structuredClone(message) : message);

  return {
    openCount: () => ends.size,
    connect() {
      const end: TransportEnd = createTransportEnd({
        name: 'memory transport',
        logger,
        post(message) {
          // Cloned before anything is queued: a message that cannot be cloned reaches nobody.
          const first = copy(message);
          let firstUsed = false;
          for (const other of ends) {
            if (other === end) continue;
            // Each end gets its own copy, as each BroadcastChannel object deserialises its own.
            const received = firstUsed ? copy(message) : first;
            firstUsed = true;
            // A throwing listener is logged by the end: a throw from a microtask would be
            // uncaught (fatal in Node).
            queueMicrotask(() => other.deliver(received));
          }
        },
        listen() {
          ends.add(end);
          return () => ends.delete(end);
        },
      });
      return end.transport;
    },
  };
}
