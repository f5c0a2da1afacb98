import { StateSyncError } from './errors.js';
import { createTransportEnd } from './transport-end.js';
import type { Transport } from './types.js';

/** What statesync needs of a WebSocket: the browser's, or `ws` in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketTransportOptions {
  /** `ws://` or `wss://` URL of a statesync server. */
  url: string;
  /** @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor;
  /** Called when the socket is open (sends made before go out now). */
  onOpen?: () => void;
  /** Called once when the socket closes or fails to open, unless `close()` closed it. */
  onClose?: (reason: string) => void;
}

const OPEN = 1;

/**
 * A transport over one WebSocket, JSON-encoded. Sends made before the socket is open wait for
 * it; once the socket is gone, sends go nowhere and `onClose` was told. Reconnecting is the
 * caller's job (see `createWebSocketConnection`): each socket is one link.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  const Socket =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof Socket !== 'function') {
    throw new StateSyncError('invalid_option', 'WebSocket is not available here');
  }
  const waiting: string[] = [];
  const socket = new Socket(options.url);
  const end = createTransportEnd({
    name: 'WebSocket transport',
    post(message) {
      const data = JSON.stringify(message);
      if (socket.readyState === OPEN) socket.send(data);
      else waiting.push(data);
    },
    release() {
      waiting.length = 0;
      socket.close();
    },
  });
  socket.onopen = () => {
    if (end.state() !== 'open') return;
    for (const data of waiting.splice(0)) socket.send(data);
    options.onOpen?.();
  };
  socket.onmessage = ({ data }) => {
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      return; // not ours: every statesync message is JSON
    }
    end.deliver(message);
  };
  socket.onerror = () => {};
  socket.onclose = (event) => {
    const why = event?.reason || (event?.code !== undefined ? `code ${event.code}` : 'closed');
    if (end.gone()) options.onClose?.(`the socket to ${options.url} closed (${why})`);
  };
  return end.transport;
}
