// The node half of the shared-app bench: the authority in a worker_threads Worker
// (node-worker.mjs), the clients on the main thread, linked by MessageChannel ports. Every
// function here measures one subject and its raw-postMessage baseline in the same run.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MessageChannel, Worker } from 'node:worker_threads';
import { createMessagePortTransport } from '@statesync/core';
import { createSharedApp, spawn } from '@statesync/shared';
import { cpuTime, now } from '../measure.mjs';
import { collectingLogger, createArrival, runUpdates, withTimeout } from './common.mjs';
import { fieldState, fieldStores, itemStores, jsonBytes } from './stores.mjs';

const WORKER_URL = new URL('./node-worker.mjs', import.meta.url);
const START_TIMEOUT_MS = 60_000;
const UPDATE_TIMEOUT_MS = 2_000;
const JOIN_TIMEOUT_MS = 30_000;

// A full collection before each full-state sample (of either subject), so that one sample does
// not pay for collecting the megabytes the previous one left behind.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

/** Starts the authority worker; resolves once its stores are ready. */
async function startWorker(workerData) {
  const worker = new Worker(WORKER_URL, { workerData });
  const ready = new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the authority worker exited with ${code}`)));
    worker.on('message', (message) => {
      if (message.type === 'ready') resolve();
    });
  });
  await withTimeout(ready, START_TIMEOUT_MS, 'the authority worker starting');
  return {
    worker,
    /** Hands one end of a new MessageChannel to the worker; returns the other end. */
    link(type) {
      const { port1, port2 } = new MessageChannel();
      worker.postMessage({ type, port: port2 }, [port2]);
      return port1;
    },
    /** Stops it; rejects with what went wrong inside, if anything did. */
    async stop() {
      const reply = new Promise((resolve) =>
        worker.on('message', (message) => {
          if (message.type === 'problems') resolve(message.problems);
        }),
      );
      worker.postMessage({ type: 'problems' });
      const problems = await withTimeout(reply, 5_000, 'the authority worker reporting');
      worker.postMessage({ type: 'stop' });
      await withTimeout(
        new Promise((resolve) => worker.once('exit', resolve)),
        5_000,
        'the authority worker stopping',
      ).catch(() => worker.terminate());
      if (problems.length) throw new Error(`in the authority worker: ${problems.join('; ')}`);
    },
  };
}

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
  const authority = await startWorker({ kind: 'update', app, stores, size: fields });
  const definitions = fieldStores(stores, fields);
  const names = definitions.map((d) => d.name);

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
  const raw = createArrival(clients, now);
  const rawPorts = [];
  for (let c = 0; c < clients; c++) {
    const mirror = fieldState(stores, fields);
    const port = authority.link('raw');
    port.on('message', ({ s, f, v }) => {
      mirror[names[s]][f] = v;
      const target = raw.target;
      if (target && target.store === s && target.value === v) raw.seen(c);
    });
    rawPorts.push(port);
  }

  const counters = { statesync: { n: 0 }, raw: { n: 0 } };
  const send = {
    statesync: (target) =>
      spawn(handles[0][target.store], 'set', [target.field, target.value]).then(now),
    raw: (target) => {
      rawPorts[0].postMessage({ s: target.store, f: target.field, v: target.value });
    },
  };
  const arrivals = { statesync, raw };

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
      for (const port of rawPorts) port.close();
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
  const authority = await startWorker({ kind: 'full', app, stores, size: items });
  const definitions = itemStores(stores);
  const last = definitions.at(-1).name;
  let bytes;

  const check = (state, subject) => {
    if (state?.items?.length !== items || state.items.at(-1).id !== items - 1) {
      throw new Error(`${subject} client of ${app} did not get the whole state`);
    }
  };

  const joins = {
    async statesync() {
      collectGarbage();
      const t0 = now();
      const client = newClient(authority, app, definitions, problems);
      await withTimeout(client.ready, JOIN_TIMEOUT_MS, `statesync join at ${app}`);
      const ms = now() - t0;
      check(client.store(definitions.at(-1)).getState(), 'statesync');
      await client.dispose();
      return ms;
    },
    async raw() {
      collectGarbage();
      const t0 = now();
      const port = authority.link('raw');
      const state = await withTimeout(
        new Promise((resolve) => port.once('message', resolve)),
        JOIN_TIMEOUT_MS,
        `raw join at ${app}`,
      );
      const ms = now() - t0;
      port.close();
      check(state[last], 'raw');
      bytes ??= jsonBytes(state);
      return ms;
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
