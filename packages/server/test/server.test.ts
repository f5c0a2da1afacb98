import {
  createRevisionSync,
  createTransportProvider,
  createTransportSubscriber,
  createWebSocketConnection,
  PROTOCOL_VERSION,
  type WebSocketConstructor,
} from '@statesync/core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createStateSyncServer, type StateSyncServer } from '../src/index.js';
import { type RedisProcess, startRedis } from './redis-server.js';
import { todos } from './stores.js';

let redis: RedisProcess;
const servers: StateSyncServer[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await redis.stop();
});

async function start(options: Partial<Parameters<typeof createStateSyncServer>[0]> = {}) {
  const server = createStateSyncServer({ redisUrl: redis.url, topics: [todos], ...options });
  servers.push(server);
  const port = await server.listen(0);
  return { server, url: `ws://127.0.0.1:${port}`, http: `http://127.0.0.1:${port}` };
}

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A raw socket that records every message, for exact checks of the wire. */
async function rawSocket(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const received: Record<string, unknown>[] = [];
  socket.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    received,
    send: (message: Record<string, unknown>) =>
      socket.send(JSON.stringify({ v: PROTOCOL_VERSION, ...message })),
    close: () => socket.close(),
  };
}

const upgradeStatus = (url: string, headers: Record<string, string> = {}) =>
  new Promise<number>((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
  });

describe('@statesync/server on a real redis-server', () => {
  it('runs actions once, sends real patches, and answers a re-sent call from its record', async () => {
    const a = await start();
    const socket = await rawSocket(a.url);
    socket.send({ type: 'subscribe', topic: 'todos' });
    socket.send({ type: 'call', id: 'seriesA:1', topic: 'todos', action: 'add', args: ['milk'] });
    await until(() => socket.received.some((m) => m.type === 'result'), 'the first result');
    socket.send({ type: 'call', id: 'seriesA:1', topic: 'todos', action: 'add', args: ['milk'] });
    await until(
      () => socket.received.filter((m) => m.type === 'result').length === 2,
      'the second result',
    );
    const [first, second] = socket.received.filter((m) => m.type === 'result');
    expect(first).toMatchObject({ value: 1 });
    expect(second).toEqual(first);
    const delta = socket.received.find((m) => m.type === 'invalidate') as {
      revision: string;
      delta: { base: string; ops: { path: unknown[] }[] };
    };
    expect(delta.revision).toBe(first!.revision);
    // A patch of the changed paths, not the whole state.
    expect(delta.delta.ops.every((op) => op.path.length > 0)).toBe(true);
    const snapshot = await (await fetch(`${a.http}/snapshot/todos`)).json();
    expect(snapshot.data.items.map((item: { text: string }) => item.text)).toEqual(['milk']);
    expect(snapshot.revision).toBe(first!.revision);
    socket.close();
  });

  it('expires a call record once idle for its TTL; a call re-sent after that runs again', async () => {
    const lasting = await start();
    const brief = await start({ callRecordTtlMs: 200 });
    const redisClient = createClient({ url: redis.url });
    await redisClient.connect();
    const sockets = [await rawSocket(lasting.url), await rawSocket(brief.url)];
    const results = () =>
      sockets.flatMap((socket) => socket.received.filter((m) => m.type === 'result'));
    const call = (socket: (typeof sockets)[number]) =>
      socket.send({ type: 'call', id: 'expiring:1', topic: 'todos', action: 'add', args: ['tea'] });
    call(sockets[0]!);
    await until(() => results().length === 1, 'the first result');
    const key = 'statesync:{todos}:calls:anonymous/expiring:';
    expect(await redisClient.pTTL(key)).toBeGreaterThan(3_600_000);
    // A re-send finds the record and is answered from it; it also gives the record this
    // instance's TTL, counted from now.
    call(sockets[1]!);
    await until(() => results().length === 2, 'the re-sent result');
    expect(results()[1]).toEqual(results()[0]);
    const deadline = Date.now() + 10_000;
    while ((await redisClient.exists(key)) === 1) {
      if (Date.now() > deadline) throw new Error('the record never expired');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Documented: the server cannot tell it from a new call, so it runs again.
    call(sockets[1]!);
    await until(() => results().length === 3, 'the result after expiry');
    expect(BigInt(results()[2]!.revision as string)).toBe(
      BigInt(results()[0]!.revision as string) + 1n,
    );
    for (const socket of sockets) socket.close();
    redisClient.destroy();
  });

  it('a client of one instance sees the calls made on another, and resumes from its revision', async () => {
    const a = await start();
    const b = await start();
    const conn = createWebSocketConnection({
      url: a.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    let data: { items: { text: string }[] } | undefined;
    const transport = conn.transport('todos');
    const engine = createRevisionSync<{ items: { text: string }[] }>({
      topic: 'todos',
      subscriber: createTransportSubscriber(transport),
      provider: createTransportProvider(transport, 'todos'),
      applier: {
        apply: (snapshot) => {
          data = snapshot.data;
        },
      },
    });
    await engine.start();
    const other = createWebSocketConnection({
      url: b.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const outcome = await other.call('todos', 'add', ['bread']);
    await until(
      () => engine.status.getState().localRevision === outcome.revision,
      'the client to follow',
    );
    expect(data!.items.at(-1)!.text).toBe('bread');

    // Resume: a subscriber that names an older revision of this epoch gets the deltas since.
    const socket = await rawSocket(b.url);
    const base = String(BigInt(outcome.revision) - 1n);
    socket.send({ type: 'subscribe', topic: 'todos', revision: base, epoch: outcome.epoch });
    // What was missed, then where the topic stands.
    await until(() => socket.received.length > 1, 'the resumed delta');
    expect(socket.received[0]).toMatchObject({ revision: outcome.revision, delta: { base } });
    expect(socket.received[1]).toMatchObject({ type: 'subscribed', revision: outcome.revision });
    // Another epoch (or a revision the stream lost) gets the current revision to pull.
    socket.send({ type: 'subscribe', topic: 'todos', revision: '1', epoch: 'another' });
    await until(() => socket.received.length > 3, 'the announcement');
    expect(socket.received[2]).toMatchObject({
      type: 'invalidate',
      revision: outcome.revision,
      epoch: outcome.epoch,
    });
    expect(socket.received[2]!.delta).toBeUndefined();
    expect(socket.received[3]).toMatchObject({ type: 'subscribed', revision: outcome.revision });
    socket.close();
    await engine.stop();
    conn.close();
    other.close();
  });

  it('refuses unauthenticated upgrades, foreign origins, and unauthorised reads and calls, changing nothing', async () => {
    const a = await start({
      allowedOrigins: ['http://app.test'],
      authenticate: (request) => {
        const user = request.headers['x-user'];
        return typeof user === 'string' ? { id: user } : undefined;
      },
      authorize: (request) =>
        request.principal.id === 'admin' ||
        (request.kind === 'read' && request.principal.id === 'reader'),
    });
    expect(await upgradeStatus(a.url)).toBe(401);
    expect(await upgradeStatus(a.url, { 'x-user': 'admin', origin: 'http://evil.test' })).toBe(403);
    expect(await upgradeStatus(a.url, { 'x-user': 'admin', origin: 'http://app.test' })).toBe(101);
    expect((await fetch(`${a.http}/snapshot/todos`)).status).toBe(401);
    expect(
      (await fetch(`${a.http}/snapshot/todos`, { headers: { 'x-user': 'nobody' } })).status,
    ).toBe(403);

    const before = await (
      await fetch(`${a.http}/snapshot/todos`, { headers: { 'x-user': 'reader' } })
    ).json();
    const nobody = await rawSocket(a.url, { 'x-user': 'nobody' });
    nobody.send({ type: 'pull', id: 'p1', topic: 'todos' });
    const reader = await rawSocket(a.url, { 'x-user': 'reader' });
    reader.send({ type: 'call', id: 'r:1', topic: 'todos', action: 'add', args: ['x'] });
    await until(() => nobody.received.length > 0 && reader.received.length > 0, 'the refusals');
    expect(nobody.received[0]).toMatchObject({
      type: 'pull-error',
      error: { code: 'forbidden', reason: 'read' },
    });
    expect(reader.received[0]).toMatchObject({
      type: 'result',
      error: { code: 'forbidden', reason: 'call' },
    });
    const after = await (
      await fetch(`${a.http}/snapshot/todos`, { headers: { 'x-user': 'reader' } })
    ).json();
    expect(after).toEqual(before);
    nobody.close();
    reader.close();
  });

  it('streams invalidations over Server-Sent Events', async () => {
    const a = await start();
    const response = await fetch(`${a.http}/events/todos`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const outcome = await a.server.run('todos', 'add', ['over SSE']);
    const reader = response.body!.getReader();
    let text = '';
    const deadline = Date.now() + 10_000;
    while (!text.includes(`id: ${outcome.revision}\n`) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const line = text.split('\n').find((entry) => entry.startsWith('data: '))!;
    expect(JSON.parse(line.slice(6))).toMatchObject({
      type: 'invalidate',
      revision: outcome.revision,
    });
    await reader.cancel();
  });
});
