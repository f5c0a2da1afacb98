import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import {
  type Message,
  type PatchOp,
  PROTOCOL_VERSION,
  StateSyncError,
  serializeError,
} from '@statesync/core';
import { createClient } from 'redis';
import { type WebSocket, WebSocketServer } from 'ws';
import { createRedisTopicStore, type StreamEntry, toEntry } from './redis-topic-store.js';

/** An action takes the current state and the call's arguments and returns the next state. */
// biome-ignore lint/suspicious/noExplicitAny: arguments come from the wire
export type ServerAction<S> = (state: S, ...args: any[]) => { state: S; value?: unknown };

export interface ServerTopic<S = unknown> {
  initial: S;
  actions: Record<string, ServerAction<S>>;
}

/** Who a connection belongs to; `undefined` refuses the connection. */
export interface Principal {
  id: string;
  [key: string]: unknown;
}

export interface StateSyncServerOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  redisUrl: string;
  // biome-ignore lint/suspicious/noExplicitAny: each topic has its own state type
  topics: Record<string, ServerTopic<any>>;
  /** Allowed `Origin` headers for WebSocket upgrades; omitted allows requests without one only. */
  allowedOrigins?: readonly string[];
  authenticate?: (
    request: IncomingMessage,
  ) => Principal | undefined | Promise<Principal | undefined>;
  authorize?: (principal: Principal, topic: string, action: 'read' | 'call') => boolean;
  /** How many entries each topic's stream keeps for resuming clients. Default 1000. */
  streamLength?: number;
}

export interface StateSyncServer {
  http: Server;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

const MAX_CONFLICT_RETRIES = 50;

function refused(reason: string, message: string) {
  return serializeError(new StateSyncError('origin_rejected', message, { reason }));
}

/**
 * A server authority: topics live in Redis (state, revision, epoch, per-client call records),
 * every change is one Lua script, every instance fans out its topics' streams with a blocking
 * XREAD on a connection of its own.
 */
export function createStateSyncServer(options: StateSyncServerOptions): StateSyncServer {
  const redis = createClient({ url: options.redisUrl });
  const reader = redis.duplicate();
  for (const client of [redis, reader]) client.on('error', () => {});
  const store = createRedisTopicStore(redis, options.streamLength);
  const topics = options.topics as Record<string, ServerTopic<unknown>>;
  const authorize = options.authorize ?? (() => true);
  const listeners = new Map<string, Set<(entry: StreamEntry) => void>>();
  const http = createHttpServer((request, response) => void handleHttp(request, response));
  const wss = new WebSocketServer({ noServer: true });
  let closed = false;

  const topicOf = (name: string) => {
    const topic = topics[name];
    if (!topic) throw new StateSyncError('protocol', `unknown topic ${name}`);
    return topic;
  };

  function listen(topic: string, listener: (entry: StreamEntry) => void) {
    let set = listeners.get(topic);
    if (!set) {
      set = new Set();
      listeners.set(topic, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** The fan-out loop: one blocking XREAD over every topic's stream, from where it last was. */
  async function fanOut() {
    const cursors = new Map<string, string>();
    for (const topic of Object.keys(topics)) {
      cursors.set(topic, `${(await store.read(topic, undefined)).revision}-0`);
    }
    while (!closed) {
      try {
        const streams = [...cursors].map(([topic, id]) => ({ key: store.streamKey(topic), id }));
        const reply = await reader.xRead(streams, { BLOCK: 1000, COUNT: 500 });
        for (const stream of (reply as
          | { name: string; messages: { id: string; message: Record<string, string> }[] }[]
          | null) ?? []) {
          const topic = Object.keys(topics).find((name) => store.streamKey(name) === stream.name);
          if (!topic) continue;
          for (const { id, message } of stream.messages) {
            cursors.set(topic, id);
            const entry = toEntry(message);
            for (const listener of listeners.get(topic) ?? []) listener(entry);
          }
        }
      } catch {
        if (closed) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async function call(principal: Principal, clientId: string, message: Message & { type: 'call' }) {
    const seq = Number(message.id.slice(message.id.lastIndexOf(':') + 1));
    if (!Number.isSafeInteger(seq) || seq < 1 || !message.id.startsWith(`${clientId}:`)) {
      throw new StateSyncError('protocol', `call id must be "<client>:<n>", got ${message.id}`);
    }
    if (!authorize(principal, message.topic, 'call')) {
      return {
        error: refused('forbidden', `may not call ${message.topic}`),
        revision: '0',
        epoch: '',
      };
    }
    const topic = topicOf(message.topic);
    const action = topic.actions[message.action];
    if (!action) throw new StateSyncError('protocol', `unknown action ${message.action}`);
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt += 1) {
      const current = await store.read(message.topic, topic.initial);
      const next = (
        action as (state: unknown, ...args: unknown[]) => { state: unknown; value?: unknown }
      )(current.state, ...message.args);
      const ops: PatchOp[] = [{ op: 'replace', path: [], value: next.state }];
      const outcome = await store.commit(
        message.topic,
        current.revision,
        clientId,
        seq,
        next.state,
        next.value,
        ops,
      );
      if (outcome.kind === 'applied') {
        return { value: next.value, revision: outcome.revision, epoch: current.epoch };
      }
      if (outcome.kind === 'duplicate') {
        return {
          value: outcome.record.value,
          revision: outcome.record.revision,
          epoch: current.epoch,
        };
      }
    }
    throw new StateSyncError('timeout', `too many concurrent writers on ${message.topic}`);
  }

  function invalidate(topic: string, entry: StreamEntry, base: string): Message {
    return {
      v: PROTOCOL_VERSION,
      type: 'invalidate',
      topic,
      revision: entry.revision,
      epoch: entry.epoch,
      sourceId: entry.origin,
      delta: { base, ops: entry.ops },
    };
  }

  /** Sends what a client at `revision` misses: stream entries when Redis still has them. */
  async function resume(topic: string, revision: string, send: (message: Message) => void) {
    const entries = /^\d+$/.test(revision) ? await store.since(topic, revision) : undefined;
    if (entries) {
      let base = revision;
      for (const entry of entries) {
        send(invalidate(topic, entry, base));
        base = entry.revision;
      }
      return base;
    }
    const snapshot = await store.read(topic, topicOf(topic).initial);
    send({
      v: PROTOCOL_VERSION,
      type: 'invalidate',
      topic,
      revision: snapshot.revision,
      epoch: snapshot.epoch,
    });
    return snapshot.revision;
  }

  async function onSocket(socket: WebSocket, principal: Principal) {
    const clientId = principal.id;
    const unsubscribes: (() => void)[] = [];
    const send = (message: Message) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    socket.on('close', () => {
      for (const off of unsubscribes) off();
    });
    socket.on('message', async (raw) => {
      let message: Message & { revision?: string };
      try {
        message = JSON.parse(String(raw));
      } catch {
        return;
      }
      try {
        if ((message.type as string) === 'subscribe') {
          const { topic, revision } = message as unknown as { topic: string; revision: string };
          topicOf(topic);
          if (!authorize(principal, topic, 'read')) {
            send({
              v: PROTOCOL_VERSION,
              type: 'pull-error',
              id: `subscribe:${topic}`,
              topic,
              error: refused('forbidden', `may not read ${topic}`),
            });
            return;
          }
          let last = revision;
          const queue: StreamEntry[] = [];
          let ready = false;
          unsubscribes.push(
            listen(topic, (entry) => {
              if (!ready) return void queue.push(entry);
              if (BigInt(entry.revision) <= BigInt(last)) return;
              send(invalidate(topic, entry, last));
              last = entry.revision;
            }),
          );
          last = await resume(topic, revision, send);
          ready = true;
          for (const entry of queue) {
            if (BigInt(entry.revision) <= BigInt(last)) continue;
            send(invalidate(topic, entry, last));
            last = entry.revision;
          }
        } else if (message.type === 'pull') {
          if (!authorize(principal, message.topic, 'read')) {
            send({
              v: PROTOCOL_VERSION,
              type: 'pull-error',
              id: message.id,
              topic: message.topic,
              error: refused('forbidden', `may not read ${message.topic}`),
            });
            return;
          }
          const snapshot = await store.read(message.topic, topicOf(message.topic).initial);
          send({
            v: PROTOCOL_VERSION,
            type: 'snapshot',
            id: message.id,
            topic: message.topic,
            revision: snapshot.revision,
            epoch: snapshot.epoch,
            data: snapshot.state,
          });
        } else if (message.type === 'call') {
          const result = await call(principal, clientId, message);
          send({ v: PROTOCOL_VERSION, type: 'result', id: message.id, ...result });
        }
      } catch (error) {
        if (message.type === 'call') {
          send({
            v: PROTOCOL_VERSION,
            type: 'result',
            id: message.id,
            revision: '0',
            epoch: '',
            error: serializeError(error),
          });
        } else if (message.type === 'pull') {
          send({
            v: PROTOCOL_VERSION,
            type: 'pull-error',
            id: message.id,
            topic: message.topic,
            error: serializeError(error),
          });
        }
      }
    });
  }

  async function principalOf(request: IncomingMessage) {
    if (!options.authenticate) {
      const id = new URL(request.url ?? '/', 'http://x').searchParams.get('client');
      return id ? { id } : undefined;
    }
    return options.authenticate(request);
  }

  http.on('upgrade', async (request, socket, head) => {
    const origin = request.headers.origin;
    const allowed = origin === undefined ? true : (options.allowedOrigins ?? []).includes(origin);
    const principal = allowed ? await principalOf(request).catch(() => undefined) : undefined;
    if (!principal) {
      socket.end(
        `HTTP/1.1 ${allowed ? 401 : 403} ${allowed ? 'Unauthorized' : 'Forbidden'}\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => void onSocket(ws, principal));
  });

  /** GET /snapshot/<topic> and GET /events/<topic>?revision=<r> (Server-Sent Events). */
  async function handleHttp(
    request: IncomingMessage,
    response: import('node:http').ServerResponse,
  ) {
    const url = new URL(request.url ?? '/', 'http://x');
    const [, kind, topic] = url.pathname.split('/');
    const principal = await principalOf(request).catch(() => undefined);
    if (
      request.method !== 'GET' ||
      !topic ||
      !topics[topic] ||
      (kind !== 'snapshot' && kind !== 'events')
    ) {
      response.writeHead(404).end();
      return;
    }
    if (!principal) return void response.writeHead(401).end();
    if (!authorize(principal, topic, 'read')) return void response.writeHead(403).end();
    if (kind === 'snapshot') {
      const snapshot = await store.read(topic, topicOf(topic).initial);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          revision: snapshot.revision,
          epoch: snapshot.epoch,
          data: snapshot.state,
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (message: Message) => response.write(`data: ${JSON.stringify(message)}\n\n`);
    let last =
      url.searchParams.get('revision') ?? request.headers['last-event-id']?.toString() ?? '';
    const off = listen(topic, (entry) => {
      if (!/^\d+$/.test(last) || BigInt(entry.revision) <= BigInt(last)) return;
      send(invalidate(topic, entry, last));
      last = entry.revision;
    });
    request.on('close', off);
    last = await resume(topic, last, send);
  }

  let loop: Promise<void> | undefined;
  return {
    http,
    async listen(port, host = '127.0.0.1') {
      await Promise.all([redis.connect(), reader.connect()]);
      loop = fanOut();
      await new Promise<void>((resolve) => http.listen(port, host, resolve));
      const address = http.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    async close() {
      closed = true;
      for (const client of wss.clients) client.terminate();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      reader.destroy();
      await loop;
      redis.destroy();
    },
  };
}
