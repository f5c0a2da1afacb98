import { noopLogger, type WebSocketConstructor } from '@statesync/core';
import { createServerConnector, createSharedApp, spawn } from '@statesync/shared';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createStateSyncServer, type StateSyncServer } from '../src/index.js';
import { freePort, type RedisProcess, startRedis } from './redis-server.js';
import { todos } from './stores.js';

let redis: RedisProcess;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await redis.stop();
});

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it('shared apps on two instances share a store; a page whose instance dies moves on with its calls', async () => {
  const ports = [await freePort(), await freePort()];
  const servers: StateSyncServer[] = [];
  for (const port of ports) {
    const server = createStateSyncServer({
      redisUrl: redis.url,
      app: { name: 'todo-app', stores: [todos] },
    });
    await server.listen(port);
    servers.push(server);
    cleanups.push(() => server.close());
  }
  const urls = ports.map((port) => `ws://127.0.0.1:${port}`);
  const page = (first: number) =>
    createSharedApp({
      stores: [todos],
      logger: noopLogger,
      share: {
        name: 'todo-app',
        type: 'Window',
        port: 'client',
        connector: createServerConnector({
          url: [urls[first]!, urls[1 - first]!],
          WebSocket: WebSocket as unknown as WebSocketConstructor,
        }),
      },
    });
  const a = page(0);
  const b = page(1);
  cleanups.push(
    () => a.dispose(),
    () => b.dispose(),
  );
  await Promise.all([a.ready, b.ready]);
  const id = await spawn(a.store(todos), 'add', ['from a']);
  // Read your writes on the caller; the other page follows through the other instance.
  expect(a.store(todos).getState().items.at(-1)).toMatchObject({ id, text: 'from a' });
  await until(
    () =>
      b
        .store(todos)
        .getState()
        .items.some((item) => item.id === id),
    'b to follow',
  );

  await servers[0]!.close();
  const next = await spawn(a.store(todos), 'add', ['after the loss']);
  await until(
    () =>
      b
        .store(todos)
        .getState()
        .items.some((item) => item.id === next),
    'b to follow again',
  );
  const texts = a
    .store(todos)
    .getState()
    .items.map((item) => item.text);
  expect(texts.filter((text) => text === 'after the loss')).toHaveLength(1);
  await expect(spawn(a.store(todos), 'add', [''])).rejects.toMatchObject({ code: 'remote' });
});

it('a page that reconnects gets what it missed as deltas while the stream has them, else a snapshot', async () => {
  // Page "a" is refused while `blocked`, so the changes made meanwhile are ones it missed.
  let blocked = false;
  const server = createStateSyncServer({
    redisUrl: redis.url,
    app: { name: 'resume-app', stores: [todos] },
    authenticate: (request) => {
      const page = new URL(request.url ?? '/', 'http://localhost').searchParams.get('page');
      return page === 'a' && blocked ? undefined : { id: page ?? 'anonymous' };
    },
  });
  const port = await server.listen(await freePort());
  cleanups.push(() => server.close());
  // What page "a" sends, and its sockets, to cut them.
  const sent: { type: string; revision?: string }[] = [];
  const sockets: WebSocket[] = [];
  class Recording extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
    override send(data: unknown, ...rest: unknown[]) {
      sent.push(JSON.parse(String(data)));
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  }
  const page = (name: string, Socket: unknown) =>
    createSharedApp({
      stores: [todos],
      logger: noopLogger,
      share: {
        name: 'resume-app',
        type: 'Window',
        port: 'client',
        connector: createServerConnector({
          url: `ws://127.0.0.1:${port}/?page=${name}`,
          WebSocket: Socket as WebSocketConstructor,
        }),
      },
    });
  const a = page('a', Recording);
  const b = page('b', WebSocket);
  cleanups.push(
    () => a.dispose(),
    () => b.dispose(),
  );
  await Promise.all([a.ready, b.ready]);
  await spawn(a.store(todos), 'add', ['before']);
  const texts = (app: typeof a) =>
    app
      .store(todos)
      .getState()
      .items.map((item) => item.text);

  /** Cuts a's socket, lets b add `missed` meanwhile, and returns what a sent once back. */
  const missWhileAway = async (missed: string[], meanwhile?: () => Promise<void>) => {
    blocked = true;
    const held = a.store(todos).status.getState().localRevision;
    sockets.at(-1)!.terminate();
    for (const text of missed) await spawn(b.store(todos), 'add', [text]);
    await meanwhile?.();
    const mark = sent.length;
    blocked = false;
    await until(() => texts(a).join() === texts(b).join(), 'a to catch up');
    return { held, after: sent.slice(mark) };
  };

  const deltas = await missWhileAway(['one', 'two', 'three']);
  expect(deltas.after).toContainEqual(
    expect.objectContaining({ type: 'subscribe', revision: deltas.held }),
  );
  expect(deltas.after.filter((message) => message.type === 'pull')).toEqual([]);
  expect(texts(a)).toEqual(['before', 'one', 'two', 'three']);

  // The stream lost the entries a would need: it resumes with a snapshot.
  const trimmer = createClient({ url: redis.url });
  await trimmer.connect();
  cleanups.push(() => trimmer.destroy());
  const snapshot = await missWhileAway(['four'], async () => {
    await trimmer.xTrim('statesync:{resume-app/todos}:stream', 'MAXLEN', 0);
  });
  expect(snapshot.after).toContainEqual(
    expect.objectContaining({ type: 'subscribe', revision: snapshot.held }),
  );
  expect(snapshot.after.filter((message) => message.type === 'pull').length).toBeGreaterThan(0);
  expect(texts(a)).toEqual(['before', 'one', 'two', 'three', 'four']);
});
