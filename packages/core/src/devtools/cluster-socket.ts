import { StateSyncError } from '../errors.js';
import type { Timers } from '../types.js';
import type { WebSocketConstructor, WebSocketLike } from '../websocket-transport.js';

/**
 * The client side of the SocketCluster protocol (version 2, JSON) that Redux DevTools' remote
 * server speaks: a handshake that names the socket, invokes answered by `rid`, channel
 * subscriptions whose publishes arrive as `#publish`, fire-and-forget transmits, and empty-string
 * pings answered in kind. It reconnects with backoff until closed.
 */
export interface ClusterSocketOptions {
  url: string;
  WebSocket: WebSocketConstructor;
  timers: Timers;
  random: () => number;
  /** Reconnect delays: full jitter below a ceiling that doubles from `minMs` to `maxMs`. */
  backoff: { minMs: number; maxMs: number };
  /** Called after each handshake, with the id the server gave this socket. */
  onOpen(id: string): void;
  /** Each publish of a channel this connection subscribed to. */
  onPublish(channel: string, data: unknown): void;
  /** Called when an open socket is lost, or one could not open. */
  onLost(reason: string): void;
}

/** One reconnecting socket; subscriptions last as long as the connection they were made on. */
export interface ClusterSocket {
  /** Asks the server; resolves with its answer's `data`, rejects with its error. */
  invoke(event: string, data: unknown): Promise<unknown>;
  /** Subscribes this connection to `channel`. */
  subscribe(channel: string): Promise<unknown>;
  /** Sends without an answer; dropped while no socket is open. */
  transmit(event: string, data: unknown): void;
  /** Closes for good; pending invokes reject with `stopped`. Idempotent. */
  close(): void;
}

interface Packet {
  event?: string;
  data?: unknown;
  rid?: number;
  error?: { message?: string };
}

const OPEN = 1;

export function createClusterSocket(options: ClusterSocketOptions): ClusterSocket {
  const { timers } = options;
  const pending = new Map<number, { resolve(data: unknown): void; reject(error: Error): void }>();
  let socket: WebSocketLike | undefined;
  let ready = false;
  let cid = 0;
  let failures = 0;
  let timer: unknown;
  let closed = false;

  const send = (packet: unknown) => {
    if (socket?.readyState === OPEN) socket.send(packet === '' ? '' : JSON.stringify(packet));
  };
  const invoke = (event: string, data: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      if (closed) return reject(new StateSyncError('stopped', 'the DevTools socket is closed'));
      const id = ++cid;
      pending.set(id, { resolve, reject });
      send({ event, data, cid: id });
    });
  const rejectPending = (reason: string) => {
    const error = new StateSyncError('stopped', reason);
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };

  const onPacket = (packet: Packet) => {
    if (typeof packet.rid === 'number') {
      const call = pending.get(packet.rid);
      pending.delete(packet.rid);
      if (packet.error)
        call?.reject(new StateSyncError('remote', packet.error.message ?? 'failed'));
      else call?.resolve(packet.data);
      return;
    }
    if (packet.event !== '#publish') return;
    const { channel, data } = (packet.data ?? {}) as { channel?: unknown; data?: unknown };
    if (typeof channel === 'string') options.onPublish(channel, data);
  };

  const open = () => {
    if (closed) return;
    const mine = new options.WebSocket(options.url);
    socket = mine;
    const lost = (reason: string) => {
      if (socket !== mine || closed) return;
      socket = undefined;
      ready = false;
      rejectPending(`the DevTools socket closed (${reason})`);
      mine.close();
      options.onLost(reason);
      const ceiling = Math.min(options.backoff.maxMs, options.backoff.minMs * 2 ** failures);
      failures = Math.min(failures + 1, 20);
      timer = timers.setTimeout(open, Math.round(options.random() * ceiling));
    };
    const handshake = async () => {
      const status = (await invoke('#handshake', { authToken: null })) as { id?: unknown };
      if (typeof status?.id !== 'string') throw new Error('the handshake named no socket');
      if (socket !== mine) return;
      failures = 0;
      ready = true;
      options.onOpen(status.id);
    };
    mine.onopen = () => {
      handshake().catch((error: unknown) =>
        lost(error instanceof Error ? error.message : String(error)),
      );
    };
    mine.onmessage = ({ data }) => {
      const text = String(data);
      if (text === '') return send(''); // the server's ping, as version 2 spells it
      let packet: Packet;
      try {
        packet = JSON.parse(text) as Packet;
      } catch {
        return;
      }
      if (typeof packet === 'object' && packet !== null) onPacket(packet);
    };
    mine.onerror = () => {};
    mine.onclose = (event) => lost(event?.reason || `code ${event?.code ?? 'unknown'}`);
  };
  open();

  return {
    invoke,
    subscribe: (channel) => invoke('#subscribe', { channel }),
    transmit(event, data) {
      if (ready) send({ event, data });
    },
    close() {
      if (closed) return;
      closed = true;
      timers.clearTimeout(timer);
      rejectPending('the DevTools socket is closed');
      const last = socket;
      socket = undefined;
      last?.close();
    },
  };
}
