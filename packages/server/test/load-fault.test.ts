import {
  applyPatch,
  createRevisionSync,
  createTransportProvider,
  createTransportSubscriber,
  createWebSocketConnection,
  type RevisionSyncHandle,
  type WebSocketConnection,
  type WebSocketConstructor,
} from '@statesync/core';
import { createRandom } from '@statesync/core/testing';
import { afterAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createStateSyncServer, type StateSyncServer } from '../src/index.js';
import { freePort, startRedis } from './redis-server.js';
import { tally } from './stores.js';

const SEED = 18;
const INSTANCES = 3;
const CLIENTS = 50;
const CALLS = 5_000;
const IN_FLIGHT = 2;

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it(`${INSTANCES} instances, ${CLIENTS} clients, ${CALLS} calls, one instance and Redis restarted: nothing lost or doubled`, {
  timeout: 120_000,
}, async () => {
  console.log(`[load] seed ${SEED}`);
  const random = createRandom(SEED);
  const redis = await startRedis({ durable: true });
  cleanups.push(() => redis.stop());
  const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
  const instances: (StateSyncServer | undefined)[] = [];
  const startInstance = async (index: number) => {
    const server = createStateSyncServer({
      redisUrl: redis.url,
      topics: [tally],
      callDeadlineMs: 60_000,
    });
    await server.listen(ports[index]);
    instances[index] = server;
  };
  for (let index = 0; index < INSTANCES; index += 1) await startInstance(index);
  cleanups.push(() => Promise.all(instances.map((server) => server?.close())).then(() => {}));
  const urls = ports.map((port) => `ws://127.0.0.1:${port}`);

  // Each client starts on its own instance and moves to the next one when it loses it.
  type Tally = { counts: Record<string, number>; sums: Record<string, number> };
  const clients: {
    id: string;
    conn: WebSocketConnection;
    engine: RevisionSyncHandle;
    view: () => Tally | undefined;
  }[] = [];
  for (let index = 0; index < CLIENTS; index += 1) {
    const rotated = [...urls.slice(index % INSTANCES), ...urls.slice(0, index % INSTANCES)];
    const conn = createWebSocketConnection({
      url: rotated,
      series: `client${index}`,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      backoff: { minMs: 20, maxMs: 500 },
      callTimeoutMs: 0,
      random,
    });
    let view: Tally | undefined;
    const transport = conn.transport('tally');
    const engine = createRevisionSync<Tally>({
      topic: 'tally',
      subscriber: createTransportSubscriber(transport),
      provider: createTransportProvider(transport, 'tally'),
      applier: {
        apply: (snapshot) => {
          view = snapshot.data;
        },
        applyPatch: (patch) => {
          view = applyPatch(view, patch.ops);
        },
      },
    });
    cleanups.push(() => conn.close());
    cleanups.push(() => engine.stop());
    clients.push({ id: `client${index}`, conn, engine, view: () => view });
  }
  await Promise.all(clients.map((client) => client.engine.start()));

  const acknowledged = new Map<string, { count: number; sum: number }>();
  let issued = 0;
  let done = 0;
  const worker = async (client: (typeof clients)[number]) => {
    while (issued < CALLS) {
      issued += 1;
      const token = issued;
      await client.conn.call('tally', 'add', [client.id, token]);
      const mine = acknowledged.get(client.id) ?? { count: 0, sum: 0 };
      mine.count += 1;
      mine.sum += token;
      acknowledged.set(client.id, mine);
      done += 1;
    }
  };
  const work = Promise.all(
    clients.flatMap((client) => Array.from({ length: IN_FLIGHT }, () => worker(client))),
  );

  const waitFor = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what} (${done} calls done)`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  await waitFor(() => done >= CALLS * 0.3, '30% of the calls');
  console.log(`[load] killing instance 1 at ${done} calls`);
  await instances[1]!.close();
  instances[1] = undefined;
  await waitFor(() => done >= CALLS * 0.45, '45% of the calls');
  console.log(`[load] restarting instance 1 at ${done} calls`);
  await startInstance(1);
  await waitFor(() => done >= CALLS * 0.6, '60% of the calls');
  console.log(`[load] killing Redis at ${done} calls`);
  await redis.kill();
  await redis.start();
  console.log('[load] Redis is back');
  await work;

  // Every instance converges on Redis' state; every acknowledged call is in it exactly once.
  const response = await fetch(`http://127.0.0.1:${ports[0]}/snapshot/tally`);
  const snapshot = (await response.json()) as {
    revision: string;
    data: { counts: Record<string, number>; sums: Record<string, number> };
  };
  for (const port of ports) {
    const other = await (await fetch(`http://127.0.0.1:${port}/snapshot/tally`)).json();
    expect(other.revision).toBe(snapshot.revision);
  }
  await waitFor(
    () =>
      clients.every(
        (client) => client.engine.status.getState().localRevision === snapshot.revision,
      ),
    'every client to reach the last revision',
  );
  const converged = clients.filter(
    (client) => JSON.stringify(client.view()) === JSON.stringify(snapshot.data),
  ).length;
  console.log(`[load] clients converged ${converged}/${CLIENTS}`);
  expect(converged).toBe(CLIENTS);
  let lost = 0;
  let doubled = 0;
  let applied = 0;
  for (const client of clients) {
    const acked = acknowledged.get(client.id) ?? { count: 0, sum: 0 };
    const count = snapshot.data.counts[client.id] ?? 0;
    const sum = snapshot.data.sums[client.id] ?? 0;
    applied += count;
    if (count < acked.count || sum < acked.sum) lost += 1;
    if (count > acked.count || sum > acked.sum) doubled += 1;
  }
  console.log(
    `[load] acknowledged ${done}, applied ${applied}, revision ${snapshot.revision}, clients with lost calls ${lost}, with doubled calls ${doubled}`,
  );
  expect(done).toBe(CALLS);
  expect(applied).toBe(CALLS);
  expect(snapshot.revision).toBe(String(CALLS));
  expect(lost).toBe(0);
  expect(doubled).toBe(0);
});
