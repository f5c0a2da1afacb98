import { createTransportEnd, type Transport, type TransportEnd } from '@statesync/core';

/** A connection held until the authority is ready: what it sent meanwhile, and its listener. */
export interface Held {
  transport: Transport;
  queue: unknown[];
  live: ((message: unknown) => void) | undefined;
}

/** The held connection's end: what it kept is replayed to the first listener, in order. */
export function replayHeld(entry: Held): Transport {
  const end: TransportEnd = createTransportEnd({
    name: 'held link',
    post: (message) => entry.transport.send(message),
    listen() {
      entry.live = end.deliver;
      for (const message of entry.queue.splice(0)) end.deliver(message);
      return () => {
        entry.live = undefined;
      };
    },
    release: () => entry.transport.close(),
  });
  return end.transport;
}
