import {
  deserializeError,
  isProtocolMessage,
  type Message,
  PROTOCOL_VERSION,
  randomId,
  StateSyncError,
  type Transport,
} from '@statesync/core';

/** The part of the WebSocket API the client uses (the browser's, or `ws` in Node). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export interface ServerConnectionOptions {
  /** `ws://host:port/path`; `?client=<id>` is appended. */
  url: string;
  /** Names this client's calls (`<clientId>:<n>`). Default: a random id per connection. */
  clientId?: string;
  WebSocket?: new (url: string) => WebSocketLike;
  /** Reconnect delays: doubles from `minMs` up to `maxMs`. Default 100 / 5000. */
  backoff?: { minMs?: number; maxMs?: number };
}

export interface ServerConnection {
  readonly clientId: string;
  /** A core `Transport` for one topic: use with `createTransportSubscriber`/`createTransportProvider`. */
  transport(topic: string): Transport;
  /** Runs an action on the server exactly once, across reconnects; resolves with its value. */
  call(
    topic: string,
    action: string,
    ...args: unknown[]
  ): Promise<{ value: unknown; revision: string }>;
  /** True while the socket is open. */
  readonly connected: boolean;
  close(): void;
}

/**
 * One WebSocket to a statesync server for every topic of this client. Reconnects with backoff,
 * re-subscribes each topic from the last revision it saw (the server sends the missed deltas
 * or, when its stream no longer has them, an invalidation that makes the engine pull), and
 * re-sends unanswered calls under the same ids so the server answers them from its record.
 */
export function createServerConnection(options: ServerConnectionOptions): ServerConnection {
  const clientId = options.clientId ?? randomId();
  const Socket =
    options.WebSocket ?? (globalThis.WebSocket as unknown as new (url: string) => WebSocketLike);
  const minMs = options.backoff?.minMs ?? 100;
  const maxMs = options.backoff?.maxMs ?? 5000;
  const revisions = new Map<string, string>();
  const listeners = new Map<string, Set<(message: unknown) => void>>();
  const pending = new Map<
    string,
    { message: Message; settle: (message: Message & { type: 'result' }) => void }
  >();
  let seq = 0;
  let socket: WebSocketLike | undefined;
  let open = false;
  let stopped = false;
  let delay = minMs;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const raw = (message: unknown) => {
    if (open && socket) socket.send(JSON.stringify(message));
  };

  const subscribeTopic = (topic: string) =>
    raw({ v: PROTOCOL_VERSION, type: 'subscribe', topic, revision: revisions.get(topic) ?? '' });

  function connect() {
    const separator = options.url.includes('?') ? '&' : '?';
    const ws = new Socket(`${options.url}${separator}client=${encodeURIComponent(clientId)}`);
    socket = ws;
    ws.onopen = () => {
      open = true;
      delay = minMs;
      for (const topic of listeners.keys()) subscribeTopic(topic);
      for (const { message } of pending.values()) raw(message);
    };
    ws.onmessage = ({ data }) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      if (!isProtocolMessage(message)) return;
      const m = message as Message;
      if (m.type === 'result') {
        pending.get(m.id)?.settle(m);
        return;
      }
      if (m.type === 'invalidate' || m.type === 'snapshot') {
        const known = revisions.get(m.topic);
        if (known === undefined || BigInt(m.revision) > BigInt(known))
          revisions.set(m.topic, m.revision);
      }
      if ('topic' in m) for (const listener of listeners.get(m.topic) ?? []) listener(m);
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      open = false;
      if (stopped) return;
      timer = setTimeout(connect, delay);
      delay = Math.min(maxMs, delay * 2);
    };
  }
  connect();

  return {
    clientId,
    get connected() {
      return open;
    },
    transport(topic) {
      let closed = false;
      return {
        send(message) {
          if (closed) throw new StateSyncError('stopped', 'transport closed');
          raw(message);
        },
        subscribe(listener) {
          let set = listeners.get(topic);
          if (!set) {
            set = new Set();
            listeners.set(topic, set);
            subscribeTopic(topic);
          }
          set.add(listener);
          return () => set.delete(listener);
        },
        close() {
          closed = true;
        },
      };
    },
    call(topic, action, ...args) {
      seq += 1;
      const id = `${clientId}:${seq}`;
      const message: Message = { v: PROTOCOL_VERSION, type: 'call', id, topic, action, args };
      return new Promise((resolve, reject) => {
        pending.set(id, {
          message,
          settle(result) {
            pending.delete(id);
            if (result.error) reject(deserializeError(result.error));
            else resolve({ value: result.value, revision: result.revision });
          },
        });
        raw(message);
      });
    },
    close() {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
      for (const { settle, message } of pending.values()) {
        settle({
          v: PROTOCOL_VERSION,
          type: 'result',
          id: (message as { id: string }).id,
          revision: '0',
          epoch: '',
          error: { name: 'StateSyncError', message: 'connection closed', code: 'stopped' } as never,
        });
      }
    },
  };
}
