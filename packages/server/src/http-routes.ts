import type { IncomingMessage, ServerResponse } from 'node:http';
import { isStateSyncError, serializeError } from '@statesync/core';
import { checkAccess, originAllowed } from './access.js';
import type { ConnectionContext } from './connection.js';
import { follow } from './follow.js';
import type { Principal } from './types.js';

const KEEP_ALIVE_MS = 15_000;

/**
 * `GET /snapshot/<topic>` answers `{ revision, epoch, data }`; `GET /events/<topic>` is a
 * Server-Sent Events stream of invalidations (with deltas), each with its revision as event id,
 * resuming from `?revision=&epoch=` or the `Last-Event-ID` header. The topic is URI-encoded.
 */
export async function handleHttp(
  request: IncomingMessage,
  response: ServerResponse,
  context: ConnectionContext,
  authenticate: (request: IncomingMessage) => Promise<Principal | undefined>,
  streams: Set<ServerResponse>,
) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const match = /^\/(snapshot|events)\/(.+)$/.exec(url.pathname);
  const origin = request.headers.origin;
  const refuse = (status: number, error?: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(error === undefined ? '{}' : JSON.stringify({ error: serializeError(error) }));
  };
  if (request.method !== 'GET' || !match) return refuse(404);
  const topic = decodeURIComponent(match[2]!);
  if (!context.topics.has(topic)) return refuse(404);
  if (!originAllowed(context.options, origin)) return refuse(403);
  const cors =
    origin === undefined ? {} : { 'access-control-allow-origin': origin, vary: 'Origin' };
  const principal = await authenticate(request);
  if (!principal) return refuse(401);
  try {
    await checkAccess(context.options, { principal, topic, kind: 'read' });
  } catch (error) {
    return refuse(isStateSyncError(error, 'forbidden') ? 403 : 500, error);
  }
  if (match[1] === 'snapshot') {
    const snapshot = await context.snapshot(topic);
    response.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...cors,
    });
    response.end(JSON.stringify(snapshot));
    return;
  }
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    ...cors,
  });
  response.write(': statesync\n\n');
  streams.add(response);
  const lastEventId = request.headers['last-event-id'];
  const from = {
    revision:
      url.searchParams.get('revision') ??
      (typeof lastEventId === 'string' ? lastEventId : undefined),
    epoch: url.searchParams.get('epoch') ?? undefined,
  };
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  let stop: (() => void) | undefined;
  let closed = false;
  request.on('close', () => {
    closed = true;
    clearInterval(keepAlive);
    streams.delete(response);
    stop?.();
  });
  const { off } = await follow(
    context.fanOut,
    context.store,
    topic,
    from,
    (item) => response.write(`id: ${item.message.revision}\ndata: ${item.json}\n\n`),
    context.logger,
  );
  if (closed) off();
  else stop = off;
}
