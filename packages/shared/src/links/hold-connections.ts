import {
  createTransportEnd,
  type Transport,
  type TransportEnd,
  type Unsubscribe,
} from '@statesync/core/base';
import type { ServerTransport } from '../types.js';

interface Held {
  transport: Transport;
  queue: unknown[];
  live: ((message: unknown) => void) | undefined;
}

/**
 * Accepts `server`'s connections now and keeps what they send until the returned transport is
 * accepted from (the authority is ready): then every held connection is handed over with its
 * messages replayed in order, and later ones go straight through.
 */
export function holdConnections(server: ServerTransport): ServerTransport & { stop: Unsubscribe } {
  const held: Held[] = [];
  let target: ((transport: Transport) => void) | undefined;

  // The held connection's end: what it kept is replayed to the first listener, in order.
  const replaying = (entry: Held): Transport => {
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
  };

  const stop = server.accept((transport) => {
    if (target) {
      target(transport);
      return;
    }
    const entry: Held = { transport, queue: [], live: undefined };
    transport.subscribe((message) => {
      if (entry.live) entry.live(message);
      else entry.queue.push(message);
    });
    held.push(entry);
  });

  return {
    stop,
    ...(server.medium && { medium: server.medium }),
    accept(onConnection) {
      target = onConnection;
      for (const entry of held.splice(0)) onConnection(replaying(entry));
      return () => {
        target = undefined;
      };
    },
  };
}
