import { noopLogger, type WebSocketConstructor } from '@statesync/core';
import { createServerConnector, createSharedApp, spawn } from '@statesync/shared';
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
