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
import { bundleInstance, type InstanceProcess, startInstanceProcess } from './instance-process.js';
import { freePort, startRedis } from './redis-server.js';
import { tally } from './stores.js';

const SEED = 18;
const INSTANCES = 3;
const CLIENTS = 50;
const CALLS = 5_000;
const IN_FLIGHT = 2;
/** After an acknowledged call, how often a client sends an earlier acknowledged one again. */
const RESEND_RATE = 0.05;
/** The instance that runs in a process of its own, to be killed with SIGKILL. */
const KILLED = 1;

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it(`${INSTANCES} instances, ${CLIENTS} clients, ${CALLS} calls, one instance SIGKILLed and Redis restarted: nothing lost or doubled`, {
  timeout: 120_000,
}, async () => {
  console.log(`[load] seed ${SEED}`);
  const random = createRandom(SEED);
  const redis = await startRedis({ durable: true });
  cleanups.push(() => redis.stop());
  const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
  const bundle = await bundleInstance();
  cleanups.push(bundle.dispose);
  const instances: StateSyncServer[] = [];
  let killed: InstanceProcess | undefined;
  const startKilled = async () => {
    killed = await startInstanceProcess(bundle.path, ports[KILLED]!, redis.url);
  };
  for (let index = 0; index < INSTANCES; index += 1) {
    if (index === KILLED) {
      await startKilled();
      continue;
    }
    const server = createStateSyncServer({
      redisUrl: redis.url,
      topics: [tally],
      callDeadlineMs: 60_000,
    });
    await server.listen(ports[index]);
    instances.push(server);
  }
  cleanups.push(() => Promise.all(instances.map((server) => server.close())).then(() => {}));
  cleanups.push(() => killed?.kill());
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

  // Every call has an id of the test's own, so a client can send an acknowledged one again and
  // check that the server answers it from its record (same revision and value), not runs it.
  type Acked = { id: string; token: number; revision: string; value: unknown; again?: true };
  const acknowledged = new Map<string, Acked[]>();
  let issued = 0;
  let done = 0;
  let resent = 0;
  const resendMismatches: string[] = [];
  const worker = async (client: (typeof clients)[number], numbers: { next: number }) => {
    while (issued < CALLS) {
      issued += 1;
      const token = issued;
      const id = `${client.id}:${++numbers.next}`;
      const outcome = await client.conn.call('tally', 'add', [client.id, token], { id });
      const mine = acknowledged.get(client.id) ?? [];
      mine.push({ id, token, revision: outcome.revision, value: outcome.value });
      acknowledged.set(client.id, mine);
      done += 1;
      if (random() < RESEND_RATE) {
        // Each at most once: two workers of one client never send the same id at once.
        const earlier = mine[Math.max(0, mine.length - 1 - Math.floor(random() * 100))]!;
        if (earlier.again) continue;
        earlier.again = true;
        const again = await client.conn.call('tally', 'add', [client.id, earlier.token], {
          id: earlier.id,
        });
        resent += 1;
        if (again.revision !== earlier.revision || again.value !== earlier.value) {
          resendMismatches.push(`${earlier.id}: ${earlier.revision} then ${again.revision}`);
        }
      }
    }
  };
  const work = Promise.all(
    clients.flatMap((client) => {
      const numbers = { next: 0 };
      return Array.from({ length: IN_FLIGHT }, () => worker(client, numbers));
    }),
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
  console.log(`[load] SIGKILL to instance ${KILLED} (its own process) at ${done} calls`);
  await killed!.kill();
  killed = undefined;
  await waitFor(() => done >= CALLS * 0.45, '45% of the calls');
  console.log(`[load] restarting instance ${KILLED} at ${done} calls`);
  await startKilled();
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
    const acked = acknowledged.get(client.id) ?? [];
    const sum = acked.reduce((total, call) => total + call.token, 0);
    const count = snapshot.data.counts[client.id] ?? 0;
    const appliedSum = snapshot.data.sums[client.id] ?? 0;
    applied += count;
    if (count < acked.length || appliedSum < sum) lost += 1;
    if (count > acked.length || appliedSum > sum) doubled += 1;
  }
  console.log(
    `[load] acknowledged ${done}, applied ${applied}, sent again on purpose ${resent}, revision ${snapshot.revision}, clients with lost calls ${lost}, with doubled calls ${doubled}, re-sends answered differently ${resendMismatches.length}`,
  );
  expect(resent).toBeGreaterThan(0);
  expect(resendMismatches).toEqual([]);
  expect(done).toBe(CALLS);
  expect(applied).toBe(CALLS);
  expect(snapshot.revision).toBe(String(CALLS));
  expect(lost).toBe(0);
  expect(doubled).toBe(0);
  const reconnected = clients.filter((client) => client.conn.status.getState().reconnects > 0);
  console.log(`[load] clients that reconnected ${reconnected.length}/${CLIENTS}`);
  expect(reconnected.length).toBeGreaterThan(0);
});
