import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { noopLogger, StateSyncError } from '@statesync/core';
import type { AnyStoreDefinition } from '@statesync/shared';
import { createClient } from 'redis';
import { WebSocketServer } from 'ws';
import { originAllowed } from './access.js';
import { type ConnectionContext, serveConnection } from './connection.js';
import { createFanOut } from './fan-out.js';
import { handleHttp } from './http-routes.js';
import { createRedisStore, type RedisClient } from './redis-store.js';
import { createTopicRunner, type RunResult } from './topic-runner.js';
import type { Principal, StateSyncServerOptions } from './types.js';

export interface StateSyncServer {
  /** The HTTP server: WebSocket upgrades, `GET /snapshot/<topic>`, `GET /events/<topic>`. */
  readonly http: Server;
  /** Connects to Redis and listens; resolves with the port. @default host '127.0.0.1' */
  listen(port?: number, host?: string): Promise<number>;
  /** Runs an action as the server itself (no call record); resolves once committed. */
  run(topic: string, action: string, args?: readonly unknown[]): Promise<RunResult>;
  /**
   * Stops at once: sockets and event streams are cut, Redis connections dropped, runs still
   * waiting fail with `stopped`. Whatever Redis committed stays; clients resume elsewhere.
   */
  close(): Promise<void>;
}

const ANONYMOUS: Principal = { id: 'anonymous' };

/**
 * A server authority for revision-sync topics and a shared app's stores. The canonical state,
 * revision, epoch and per-client call records of each topic live in Redis and change in one
 * script; every instance fans each topic's Redis Stream out to its clients, so any number of
 * instances serve one revision sequence per topic.
 */
export function createStateSyncServer(options: StateSyncServerOptions): StateSyncServer {
  const logger = options.logger ?? noopLogger;
  const definitions = new Map<string, AnyStoreDefinition>();
  for (const definition of options.topics ?? []) definitions.set(definition.name, definition);
  for (const definition of options.app?.stores ?? []) {
    definitions.set(`${options.app!.name}/${definition.name}`, definition);
  }
  if (definitions.size === 0) {
    throw new StateSyncError('invalid_option', 'createStateSyncServer: give topics or app.stores');
  }
  const redis: RedisClient = createClient({
    url: options.redisUrl,
    socket: { reconnectStrategy: (retries) => Math.min(20 * 2 ** retries, 500) },
  });
  const reader = redis.duplicate();
  for (const client of [redis, reader]) {
    client.on('error', (error: unknown) => logger.debug('redis connection error', { error }));
  }
  const store = createRedisStore(redis, {
    streamLength: options.streamLength ?? 10_000,
    callRecordTtlMs: options.callRecordTtlMs ?? 86_400_000,
  });
  const runner = createTopicRunner(store, definitions, logger, options.callDeadlineMs ?? 30_000);
  const topics = new Set(definitions.keys());
  const fanOut = createFanOut(reader, store, [...topics], logger);
  const streams = new Set<ServerResponse>();
  const context: ConnectionContext = {
    options,
    topics,
    store,
    runner,
    fanOut,
    logger,
    async snapshot(topic) {
      const state = await store.read(topic);
      return {
        revision: state.revision,
        epoch: state.epoch,
        data: state.data ?? definitions.get(topic)!.state(),
      };
    },
  };

  const authenticate = async (request: IncomingMessage) => {
    if (!options.authenticate) return ANONYMOUS;
    try {
      const principal = await options.authenticate(request);
      return principal && typeof principal.id === 'string' ? principal : undefined;
    } catch (error) {
      logger.warn('authenticate threw; refusing', { error });
      return undefined;
    }
  };

  const http = createServer((request, response) => {
    handleHttp(request, response, context, authenticate, streams).catch((error: unknown) => {
      logger.warn('an HTTP request failed', { error });
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  http.on('upgrade', (request, socket, head) => {
    const reject = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!originAllowed(options, request.headers.origin)) return reject('403 Forbidden');
    void authenticate(request).then((principal) => {
      if (!principal) return reject('401 Unauthorized');
      wss.handleUpgrade(request, socket, head, (ws) => serveConnection(ws, principal, context));
    });
  });

  let listening = false;
  return {
    http,
    async listen(port = 0, host = '127.0.0.1') {
      await Promise.all([redis.connect(), reader.connect()]);
      await fanOut.start();
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      listening = true;
      const address = http.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    run: (topic, action, args = []) => runner.run({ topic, action, args, origin: 'server' }),
    async close() {
      runner.stop();
      for (const client of wss.clients) client.terminate();
      for (const response of streams) response.destroy();
      if (listening) {
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      }
      const stopping = fanOut.stop();
      for (const client of [reader, redis]) {
        if (client.isOpen) client.destroy();
      }
      await stopping;
    },
  };
}
