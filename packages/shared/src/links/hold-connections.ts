import type { Transport, Unsubscribe } from '@statesync/core';
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

  const replaying = (entry: Held): Transport => ({
    send: (message) => entry.transport.send(message),
    close: () => entry.transport.close(),
    subscribe(listener) {
      entry.live = listener;
      const queued = entry.queue;
      entry.queue = [];
      for (const message of queued) listener(message);
      return () => {
        entry.live = undefined;
      };
    },
  });

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
    accept(onConnection) {
      target = onConnection;
      for (const entry of held.splice(0)) onConnection(replaying(entry));
      return () => {
        target = undefined;
      };
    },
  };
}
