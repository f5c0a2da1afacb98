import type { Logger } from '@statesync/core/base';

/** What a server transport listens on: a global scope, or the stand-in for one. */
export interface EventScope {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/** Events kept for listeners to come; see {@link keepEvents}. */
export interface KeptEvents {
  /** Fires `types` as `target` does; a first listener of a type hears what was kept first. */
  readonly scope: EventScope;
  /** Stops keeping: what no listener took is dropped, as `target` would have dropped it. */
  drop(): void;
}

type Listener = (event: unknown) => void;

/**
 * Listens to `types` on `target` from now on, so that what arrives while a server transport's
 * code loads (the `connect` event that started a SharedWorker, the message that woke a service
 * worker) is not lost: each type's events are kept until a listener of that type is added to
 * `scope`, which then hears them in order, and the later ones as they come. A kept event that
 * can be extended (a service worker's) is extended until it is delivered or dropped, so that
 * the worker is not stopped meanwhile.
 */
export function keepEvents(
  target: EventScope,
  types: readonly string[],
  logger: Logger,
): KeptEvents {
  const listeners = new Map<string, Set<Listener>>();
  const kept = new Map<string, { event: unknown; done(): void }[]>();
  let keeping = true;

  const deliver = (heard: Set<Listener>, event: unknown) => {
    for (const listener of [...heard]) {
      try {
        listener(event);
      } catch (error) {
        logger.error('a listener of a server transport threw', { error });
      }
    }
  };

  for (const type of types) {
    kept.set(type, []);
    target.addEventListener(type, (event: Event) => {
      const heard = listeners.get(type);
      if (heard?.size) return deliver(heard, event);
      const queue = kept.get(type);
      if (!keeping || !queue) return;
      let done = () => {};
      const extendable = event as { waitUntil?(promise: Promise<unknown>): void };
      if (typeof extendable.waitUntil === 'function') {
        extendable.waitUntil(new Promise<void>((resolve) => (done = resolve)));
      }
      queue.push({ event, done });
    });
  }

  const drop = () => {
    keeping = false;
    for (const queue of kept.values()) for (const entry of queue) entry.done();
    kept.clear();
  };

  return {
    drop,
    scope: {
      addEventListener(type, listener) {
        const heard = listeners.get(type) ?? new Set();
        listeners.set(type, heard);
        heard.add(listener as Listener);
        const queue = kept.get(type);
        kept.delete(type);
        for (const entry of queue ?? []) {
          deliver(heard, entry.event);
          entry.done();
        }
      },
      removeEventListener(type, listener) {
        listeners.get(type)?.delete(listener as Listener);
      },
    },
  };
}
