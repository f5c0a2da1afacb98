// Page code of the peers' shared-app bench in Chromium, bundled by
// shared-app-peers-chromium.bench.mjs: the clients of reactant-share, coaction and the raw
// baseline live in this page (one main thread, one clock), their authorities in SharedWorkers
// (reactant-worker.mjs, coaction-worker.mjs, shared-app/raw-worker.mjs). Exposed as
// `window.sharedBench`, with the interface of shared-app/page.mjs.
import { createArrival, runUpdates, withTimeout } from '../shared-app/common.mjs';
import { fieldState, hasAllItems } from '../shared-app/data.mjs';
import { createCoactionStore, fieldSlices, itemSlices } from './coaction.mjs';
import {
  clientSynced,
  createReactantApp,
  delegate,
  fieldModules,
  instanceOf,
  isSharedWorkerClient,
  itemModules,
} from './reactant.mjs';

const now = () => performance.now();
const UPDATE_TIMEOUT_MS = 2_000;
const JOIN_TIMEOUT_MS = 30_000;
const problems = [];

// Both libraries report trouble (a timed-out request, reactant-share falling back from
// SharedWorker to SharedTab mode) on the console only: keep it, and fail the bench on it.
for (const level of ['warn', 'error']) {
  console[level] = (...args) => problems.push(`console.${level}: ${args.map(String).join(' ')}`);
}

const query = ({ kind, app, stores, size }) =>
  `?kind=${kind}&app=${app}&stores=${stores}&size=${size}`;

async function reactantClient(shape, modules) {
  const app = await createReactantApp({
    name: shape.app,
    modules,
    port: 'client',
    type: 'SharedWorker',
    workerURL: `/reactant-worker.js${query(shape)}`,
  });
  if (!isSharedWorkerClient(app))
    throw new Error('a reactant-share client is not in SharedWorker mode');
  return app;
}

const coactionClient = (shape, slices) =>
  createCoactionStore(slices, {
    name: shape.app,
    worker: new SharedWorker(`/coaction-worker.js${query(shape)}`),
  });

const rawPort = (shape) =>
  new SharedWorker(`/raw-worker.js${query(shape)}`, { name: `raw-${shape.app}`, type: 'module' })
    .port;

/** Resolves once `done()` holds, checked now and on every notification of `store`. */
function until(store, done, what) {
  let unsubscribe;
  return withTimeout(
    new Promise((resolve) => {
      if (done()) {
        resolve();
        return;
      }
      unsubscribe = store.subscribe(() => {
        if (done()) resolve();
      });
    }),
    JOIN_TIMEOUT_MS,
    what,
  ).finally(() => unsubscribe?.());
}

/** Per app name: the clients of one update shape. */
const updates = new Map();
const definitions = { stores: 0 };

window.sharedBench = {
  isolated: () => globalThis.crossOriginIsolated === true,
  problems: () => problems.splice(0),

  /** `clients` clients of each library and as many raw ones, for one update shape. */
  async setUpUpdates({ app, stores, fields, clients }) {
    const shape = { kind: 'update', app, stores, size: fields };
    const matches = (state, target) => state[`m${target.store}`][target.field] === target.value;

    const modules = fieldModules(stores, fields);
    const reactant = createArrival(clients, now);
    const apps = [];
    for (let c = 0; c < clients; c++) {
      const client = await reactantClient(shape, modules);
      await withTimeout(
        clientSynced(client),
        JOIN_TIMEOUT_MS,
        `reactant-share client ${c} of ${app}`,
      );
      client.store.subscribe(() => {
        const target = reactant.target;
        if (target && matches(client.store.getState(), target)) reactant.seen(c);
      });
      apps.push(client);
    }
    const instances = modules.map((Module) => instanceOf(apps[0], Module));

    const coaction = createArrival(clients, now);
    const coactionStores = [];
    for (let c = 0; c < clients; c++) {
      const store = coactionClient(shape, fieldSlices(stores, fields));
      // Its first notification is the full sync that follows the connection.
      let synced = false;
      const unsubscribe = store.subscribe(() => {
        synced = true;
      });
      await until(store, () => synced, `coaction client ${c} of ${app} syncing`);
      unsubscribe();
      store.subscribe(() => {
        const target = coaction.target;
        if (target && matches(store.getPureState(), target)) coaction.seen(c);
      });
      coactionStores.push(store);
    }

    const raw = createArrival(clients, now);
    const names = Object.keys(fieldState(stores, 1));
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
      close() {
        for (const client of apps) client.destroy();
        for (const store of coactionStores) store.destroy();
        for (const port of ports) port.close();
      },
      arrivals: { 'reactant-share': reactant, coaction, raw },
      counters: { 'reactant-share': { n: 0 }, coaction: { n: 0 }, raw: { n: 0 } },
      send: {
        'reactant-share': (target) =>
          delegate(instances[target.store], 'set', [target.field, target.value]).then(now),
        coaction: (target) =>
          coactionStores[0]
            .getState()
            [`m${target.store}`].set(target.field, target.value)
            .then(now),
        raw: (target) => {
          ports[0].postMessage({ s: target.store, f: target.field, v: target.value });
        },
      },
      shape: { stores, fields },
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

  closeUpdates(app) {
    updates.get(app).close();
    updates.delete(app);
  },

  /**
   * A new client of the full-state shape: ms until its store holds every item of the last list
   * (then, outside the timing, every list is checked), or until the raw worker's one message
   * with the whole state arrived.
   */
  async join(subject, { app, stores, items }) {
    const shape = { kind: 'full', app, stores, size: items };
    // Made once per shape, outside the timing, as an app defines its modules once.
    if (definitions.stores !== stores) {
      Object.assign(definitions, {
        stores,
        modules: itemModules(stores),
        slices: itemSlices(stores),
      });
    }
    const last = `list${stores - 1}`;
    const whole = (state) => hasAllItems(state[last], items);
    globalThis.gc?.();
    const t0 = now();
    if (subject === 'reactant-share') {
      const client = await reactantClient(shape, definitions.modules);
      await until(
        client.store,
        () => whole(client.store.getState()),
        `reactant-share join at ${app}`,
      );
      const ms = now() - t0;
      checkLists(client.store.getState(), stores, items, subject);
      client.destroy();
      return ms;
    }
    if (subject === 'coaction') {
      const store = coactionClient(shape, definitions.slices);
      await until(store, () => whole(store.getPureState()), `coaction join at ${app}`);
      const ms = now() - t0;
      checkLists(store.getPureState(), stores, items, subject);
      store.destroy();
      return ms;
    }
    const port = rawPort(shape);
    const state = await withTimeout(
      new Promise((resolve) => {
        port.onmessage = (event) => resolve(event.data);
      }),
      JOIN_TIMEOUT_MS,
      `raw join at ${app}`,
    );
    const ms = now() - t0;
    port.close();
    checkLists(state, stores, items, subject);
    return ms;
  },
};

function checkLists(state, stores, items, subject) {
  for (let s = 0; s < stores; s++) {
    if (!hasAllItems(state[`list${s}`], items)) {
      throw new Error(`the ${subject} client lacks items of list${s}`);
    }
  }
}
