// The node half of the shared-app bench: the authority in a worker_threads Worker
// (node-worker.mjs), the clients on the main thread, linked by MessageChannel ports. Every
// function here measures one subject and its raw-postMessage baseline in the same run.
import { createMessagePortTransport } from '@statesync/core';
import { createSharedApp, spawn } from '@statesync/shared';
import { cpuTime, now } from '../measure.mjs';
import { collectingLogger, createArrival, runUpdates, withTimeout } from './common.mjs';
import { hasAllItems } from './data.mjs';
import {
  collectGarbage,
  JOIN_TIMEOUT_MS,
  rawJoin,
  rawUpdateClients,
  startWorker,
  UPDATE_TIMEOUT_MS,
} from './node-host.mjs';
import { fieldStores, itemStores } from './stores.mjs';

const WORKER_URL = new URL('./node-worker.mjs', import.meta.url);

// The packages as their users ship them (no development checks: no frozen mirrors, mutative's
// production build), as in the Chromium bundles and in the peers' node bench. Set before the
// worker starts, which inherits it and loads mutative under it.
process.env.NODE_ENV = 'production';

function newClient(authority, app, definitions, problems) {
  const logger = collectingLogger(problems);
  return createSharedApp({
    stores: definitions,
    share: {
      name: app,
      port: 'client',
      type: 'SharedWorker',
      transport: createMessagePortTransport(authority.link('connect'), { logger }),
    },
    logger,
    onError: ({ phase, error }) => problems.push(`${phase}: ${error.message}`),
  });
}

/**
 * "modules × states → one state update": `clients` statesync clients and as many raw ones;
 * `measure(subject, count)` makes `count` updates one after the other and returns, per update,
 * the ms from the call until the last client's copy showed the change (and, for statesync, until
 * the caller's spawn resolved).
 */
export async function setUpUpdates({ stores, fields, clients }) {
  const app = `update-${stores}x${fields}`;
  const problems = [];
  const authority = await startWorker(WORKER_URL, { kind: 'update', app, stores, size: fields });
  const definitions = fieldStores(stores, fields);

  // statesync: every client shows every store; each store's handle tells when it shows the change.
  const apps = [];
  for (let c = 0; c < clients; c++) apps.push(newClient(authority, app, definitions, problems));
  await withTimeout(Promise.all(apps.map((a) => a.ready)), JOIN_TIMEOUT_MS, 'clients joining');
  const statesync = createArrival(clients, now);
  const handles = apps.map((client, c) =>
    definitions.map((definition, s) => {
      const handle = client.store(definition);
      handle.subscribe((state) => {
        const target = statesync.target;
        if (target && target.store === s && state[target.field] === target.value) statesync.seen(c);
      });
      return handle;
    }),
  );

  // raw: a plain object per client, changed in place by each message.
  const raw = rawUpdateClients(authority, { stores, fields, clients });

  const counters = { statesync: { n: 0 }, raw: { n: 0 } };
  const send = {
    statesync: (target) =>
      spawn(handles[0][target.store], 'set', [target.field, target.value]).then(now),
    raw: raw.send,
  };
  const arrivals = { statesync, raw: raw.arrival };

  return {
    async measure(subject, count) {
      // CPU of the whole process (both threads) as well: less sensitive to a busy machine.
      const cpuBefore = cpuTime();
      const result = await runUpdates({
        count,
        arrival: arrivals[subject],
        send: send[subject],
        counter: counters[subject],
        shape: { stores, fields },
        clock: now,
        timeoutMs: UPDATE_TIMEOUT_MS,
        label: `${subject} at ${app}`,
      });
      return { ...result, cpuMsPerUpdate: (cpuTime() - cpuBefore) / count };
    },
    async close() {
      await Promise.all(apps.map((a) => a.dispose()));
      raw.close();
      await authority.stop();
      if (problems.length) throw new Error(`in the clients of ${app}: ${problems.join('; ')}`);
    },
  };
}

/**
 * Full-state sync: `join(subject)` connects a new client and returns the ms until it holds the
 * whole state: statesync's `ready` (every store's snapshot pulled and applied), or the raw
 * message with the same object arriving.
 */
export async function setUpJoins({ stores, items }) {
  const app = `full-${stores}x${items}`;
  const problems = [];
  const authority = await startWorker(WORKER_URL, { kind: 'full', app, stores, size: items });
  const definitions = itemStores(stores);
  let bytes;

  const joins = {
    async statesync() {
      collectGarbage();
      const t0 = now();
      const client = newClient(authority, app, definitions, problems);
      await withTimeout(client.ready, JOIN_TIMEOUT_MS, `statesync join at ${app}`);
      const ms = now() - t0;
      if (!hasAllItems(client.store(definitions.at(-1)).getState(), items)) {
        throw new Error(`statesync client of ${app} did not get the whole state`);
      }
      await client.dispose();
      return ms;
    },
    async raw() {
      const result = await rawJoin(authority, { stores, items }, app);
      bytes ??= result.bytes();
      return result.ms;
    },
  };

  return {
    join: (subject) => joins[subject](),
    bytes: () => bytes,
    async close() {
      await authority.stop();
      if (problems.length) throw new Error(`in the clients of ${app}: ${problems.join('; ')}`);
    },
  };
}
