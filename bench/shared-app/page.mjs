// Page code of the shared-app bench in Chromium, bundled by shared-app.bench.mjs. The clients
// live in this page (one main thread, one clock, as in node), the authorities in SharedWorkers:
// browser-worker.mjs for statesync, raw-worker.mjs for the baseline. Exposed as
// `window.sharedBench`; every function returns plain data to the bench.
import { createSharedApp, spawn } from '@statesync/shared';
import { collectingLogger, createArrival, runUpdates, withTimeout } from './common.mjs';
import { fieldState, fieldStores, itemStores } from './stores.mjs';

const now = () => performance.now();
const UPDATE_TIMEOUT_MS = 2_000;
const JOIN_TIMEOUT_MS = 30_000;
const problems = [];

const query = ({ kind, app, stores, size }) =>
  `?kind=${kind}&app=${app}&stores=${stores}&size=${size}`;

function newClient(shape, definitions) {
  const logger = collectingLogger(problems);
  return createSharedApp({
    stores: definitions,
    share: {
      name: shape.app,
      port: 'client',
      type: 'SharedWorker',
      workerURL: `/app-worker.js${query(shape)}`,
    },
    logger,
    onError: ({ phase, error }) => problems.push(`${phase}: ${error.message}`),
  });
}

function rawPort(shape) {
  return new SharedWorker(`/raw-worker.js${query(shape)}`, {
    name: `raw-${shape.app}`,
    type: 'module',
  }).port;
}

/** Per app name: the clients of one update shape. */
const updates = new Map();
let listDefinitions;

window.sharedBench = {
  isolated: () => globalThis.crossOriginIsolated === true,
  problems: () => problems.splice(0),

  /** `clients` statesync clients of the update shape and as many raw ones. */
  async setUpUpdates({ app, stores, fields, clients }) {
    const shape = { kind: 'update', app, stores, size: fields };
    const definitions = fieldStores(stores, fields);
    const names = definitions.map((d) => d.name);
    const apps = [];
    for (let c = 0; c < clients; c++) apps.push(newClient(shape, definitions));
    await withTimeout(Promise.all(apps.map((a) => a.ready)), JOIN_TIMEOUT_MS, 'clients joining');
    const modes = apps.map((a) => a.mode);
    if (modes.some((mode) => mode !== 'SharedWorker')) {
      throw new Error(`a client runs in ${modes.join(', ')} mode, not SharedWorker: ${problems}`);
    }
    const statesync = createArrival(clients, now);
    const handles = apps.map((client, c) =>
      definitions.map((definition, s) => {
        const handle = client.store(definition);
        handle.subscribe((state) => {
          const target = statesync.target;
          if (target && target.store === s && state[target.field] === target.value) {
            statesync.seen(c);
          }
        });
        return handle;
      }),
    );
    const raw = createArrival(clients, now);
    const ports = [];
    for (let c = 0; c < clients; c++) {
      const mirror = fieldState(stores, fields);
      const port = rawPort(shape);
      port.onmessage = ({ data: { s, f, v } }) => {
        mirror[names[s]][f] = v;
        const target = raw.target;
        if (target && target.store === s && target.value === v) raw.seen(c);
      };
      ports.push(port);
    }
    updates.set(app, {
      apps,
      ports,
      arrivals: { statesync, raw },
      counters: { statesync: { n: 0 }, raw: { n: 0 } },
      send: {
        statesync: (target) =>
          spawn(handles[0][target.store], 'set', [target.field, target.value]).then(now),
        raw: (target) => {
          ports[0].postMessage({ s: target.store, f: target.field, v: target.value });
        },
      },
      shape: { stores, fields },
      app,
    });
  },

  measureUpdates(app, subject, count) {
    const shape = updates.get(app);
    return runUpdates({
      count,
      arrival: shape.arrivals[subject],
      send: shape.send[subject],
      counter: shape.counters[subject],
      shape: shape.shape,
      clock: now,
      timeoutMs: UPDATE_TIMEOUT_MS,
      label: `${subject} at ${app}`,
    });
  },

  async closeUpdates(app) {
    const shape = updates.get(app);
    updates.delete(app);
    await Promise.all(shape.apps.map((a) => a.dispose()));
    for (const port of shape.ports) port.close();
  },

  /**
   * A new client of the full-state shape: ms until it holds the whole state (statesync: `ready`;
   * raw: the worker's one message with the whole state arrived).
   */
  async join(subject, { app, stores, items }) {
    const shape = { kind: 'full', app, stores, size: items };
    // Made once per shape, outside the timing, as an app defines its stores once.
    if (listDefinitions?.length !== stores) listDefinitions = itemStores(stores);
    const definitions = listDefinitions;
    globalThis.gc?.();
    const t0 = now();
    let state;
    if (subject === 'statesync') {
      const client = newClient(shape, definitions);
      await withTimeout(client.ready, JOIN_TIMEOUT_MS, `statesync join at ${app}`);
      const ms = now() - t0;
      if (client.mode !== 'SharedWorker') throw new Error(`client in ${client.mode} mode`);
      state = client.store(definitions.at(-1)).getState();
      await client.dispose();
      check(state, items, subject);
      return ms;
    }
    const port = rawPort(shape);
    const whole = await withTimeout(
      new Promise((resolve) => {
        port.onmessage = (event) => resolve(event.data);
      }),
      JOIN_TIMEOUT_MS,
      `raw join at ${app}`,
    );
    const ms = now() - t0;
    port.close();
    check(whole[`list${stores - 1}`], items, subject);
    return ms;
  },
};

function check(state, items, subject) {
  if (state?.items?.length !== items || state.items.at(-1).id !== items - 1) {
    throw new Error(`the ${subject} client did not get the whole state`);
  }
}
