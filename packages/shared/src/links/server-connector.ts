import { createWebSocketTransport, type WebSocketConstructor } from '@statesync/core';
import type { ClientConnector } from '../types.js';

export interface ServerConnectorOptions {
  /** A `@statesync/server`, or several instances of it: each new link goes to the next. */
  url: string | readonly string[];
  /** @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor;
}

/**
 * Links a shared app's page (or its SharedWorker, for every window of the device) to the stores
 * a `@statesync/server` runs, over WebSocket. A closed socket is a lost link: the app connects
 * again with growing pauses, says hello, resyncs every store and re-sends its calls in flight
 * with their ids, which the server answers from its record instead of running them twice.
 */
export function createServerConnector(options: ServerConnectorOptions): ClientConnector {
  const urls = typeof options.url === 'string' ? [options.url] : [...options.url];
  let next = 0;
  return {
    connect(onLost) {
      const url = urls[next++ % urls.length]!;
      const transport = createWebSocketTransport({
        url,
        ...(options.WebSocket && { WebSocket: options.WebSocket }),
        onClose: onLost,
      });
      return {
        ...transport,
        subscribe: (listener) => transport.subscribe((message) => listener(withValue(message))),
      };
    },
  };
}

/** JSON drops an `undefined` value: a result without value or error returned `undefined`. */
function withValue(message: unknown): unknown {
  const raw = message as { type?: unknown } | null;
  if (typeof raw !== 'object' || raw === null || raw.type !== 'result') return message;
  return 'value' in raw || 'error' in raw ? message : { ...raw, value: undefined };
}
