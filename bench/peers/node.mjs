// The node half of the peers' shared-app bench: reactant-share and coaction in the topology of
// statesync's (shared-app/node.mjs): the authority in a worker_threads Worker (peers/
// node-worker.mjs), three clients on the main thread, a MessageChannel per client, and the raw
// postMessage baseline over the same worker in the same run.
import { cpuTime, now, waitUntil } from '../measure.mjs';
import { createArrival, runUpdates, withTimeout } from '../shared-app/common.mjs';
import { hasAllItems } from '../shared-app/data.mjs';
import {
  collectGarbage,
  JOIN_TIMEOUT_MS,
  rawJoin,
  rawUpdateClients,
  startWorker,
  UPDATE_TIMEOUT_MS,
} from '../shared-app/node-host.mjs';
import { createCoactionStore, fieldSlices, itemSlices } from './coaction.mjs';
import { createPortTransport } from './node-transports.mjs';
import {
  clientSynced,
  createReactantApp,
  delegate,
  fieldModules,
  instanceOf,
  itemModules,
} from './reactant.mjs';
import { PEERS } from './report.mjs';

const WORKER_URL = new URL('./node-worker.mjs', import.meta.url);

// The libraries as their users ship them (no development checks), here and in the worker.
process.env.NODE_ENV = 'production';

// reactant-share's client registers a `pagehide` listener on `window` and reads
// `document.visibilityState` (to pause syncing hidden tabs, off by default: `forcedSyncClient`);
// node has neither. These two stubs are all it touches.
globalThis.window ??= { addEventListener() {}, removeEventListener() {} };
globalThis.document ??= { visibilityState: 'visible' };

// Both libraries report trouble (a timed-out request, a failed action) on the console only:
// keep it, and fail the bench on it.
const problems = [];
for (const level of ['warn', 'error']) {
  console[level] = (...args) => problems.push(`console.${level}: ${args.map(String).join(' ')}`);
}
function checkProblems(where) {
  if (problems.length)
    throw new Error(`in the clients of ${where}: ${problems.splice(0).join('; ')}`);
}

/** Resolves on the next notification of `store` (a subscribe() returning its unsubscribe). */
function nextNotification(store, what) {
  let unsubscribe;
  return withTimeout(
    new Promise((resolve) => {
      unsubscribe = store.subscribe(resolve);
    }),
    JOIN_TIMEOUT_MS,
    what,
  ).finally(() => unsubscribe());
}

const reactantClient = (authority, name, modules) =>
  createReactantApp({
    name,
    modules,
    port: 'client',
    type: 'Base',
    transport: createPortTransport(authority.link('reactant-share'), `reactant-share:${name}`),
  });

const coactionClient = (authority, name, slices) =>
  createCoactionStore(slices, {
    name,
    clientTransport: createPortTransport(authority.link('coaction'), `coaction:${name}`),
  });

/**
 * "modules × states → one state update": `clients` clients of each library and as many raw
 * ones; `measure(subject, count)` as in shared-app/node.mjs.
 */
export async function setUpUpdates({ stores, fields, clients }) {
  const name = `update-${stores}x${fields}`;
  const authority = await startWorker(WORKER_URL, {
    kind: 'update',
    app: name,
    stores,
    size: fields,
  });
  const matches = (state, target) => state[`m${target.store}`][target.field] === target.value;

  // reactant-share: each client app's redux store tells when it shows the change.
  const modules = fieldModules(stores, fields);
  const reactant = createArrival(clients, now);
  const apps = [];
  for (let c = 0; c < clients; c++) {
    const app = await reactantClient(authority, name, modules);
    await withTimeout(clientSynced(app), JOIN_TIMEOUT_MS, `reactant-share client ${c} of ${name}`);
    app.store.subscribe(() => {
      const target = reactant.target;
      if (target && matches(app.store.getState(), target)) reactant.seen(c);
    });
    apps.push(app);
  }
  const instances = modules.map((Module) => instanceOf(apps[0], Module));

  // coaction: each client store's subscription tells when it shows the change.
  const coaction = createArrival(clients, now);
  const coactionStores = [];
  for (let c = 0; c < clients; c++) {
    const store = coactionClient(authority, name, fieldSlices(stores, fields));
    // Its first notification is the full sync that follows the connection.
    await nextNotification(store, `coaction client ${c} of ${name} syncing`);
    store.subscribe(() => {
      const target = coaction.target;
      if (target && matches(store.getPureState(), target)) coaction.seen(c);
    });
    coactionStores.push(store);
  }

  // raw: a plain object per client, changed in place by each message.
  const raw = rawUpdateClients(authority, { stores, fields, clients });

  const counters = Object.fromEntries(['raw', ...PEERS].map((subject) => [subject, { n: 0 }]));
  const arrivals = { 'reactant-share': reactant, coaction, raw: raw.arrival };
  const send = {
    'reactant-share': (target) =>
      delegate(instances[target.store], 'set', [target.field, target.value]).then(now),
    coaction: (target) =>
      coactionStores[0].getState()[`m${target.store}`].set(target.field, target.value).then(now),
    raw: raw.send,
  };

  return {
    async measure(subject, count) {
      const cpuBefore = cpuTime();
      const result = await runUpdates({
        count,
        arrival: arrivals[subject],
        send: send[subject],
        counter: counters[subject],
        shape: { stores, fields },
        clock: now,
        timeoutMs: UPDATE_TIMEOUT_MS,
        label: `${subject} at ${name}`,
      });
      checkProblems(name);
      return { ...result, cpuMsPerUpdate: (cpuTime() - cpuBefore) / count };
    },
    async close() {
      for (const app of apps) app.destroy();
      for (const store of coactionStores) store.destroy();
      raw.close();
      await authority.stop();
      checkProblems(name);
    },
  };
}

/**
 * Full-state sync: `join(subject)` connects a new client and returns the ms until it holds the
 * whole state (its store holds every item of the last list), or the raw message with an equal
 * object arrived.
 */
export async function setUpJoins({ stores, items }) {
  const name = `full-${stores}x${items}`;
  const authority = await startWorker(WORKER_URL, { kind: 'full', app: name, stores, size: items });
  const last = `list${stores - 1}`;
  // Defined once per shape, outside the timing, as an app defines its modules once.
  const modules = itemModules(stores);
  const slices = itemSlices(stores);
  let bytes;
  /** After the timing: every list, not only the last one the timing waited for, is complete. */
  const checkLists = (state, subject) => {
    for (let s = 0; s < stores; s++) {
      if (!hasAllItems(state[`list${s}`], items)) {
        throw new Error(`the ${subject} client of ${name} lacks items of list${s}`);
      }
    }
  };

  const joins = {
    async 'reactant-share'() {
      collectGarbage();
      const t0 = now();
      const app = await reactantClient(authority, name, modules);
      await waitUntil(
        app.store,
        () => hasAllItems(app.store.getState()[last], items),
        JOIN_TIMEOUT_MS,
      );
      const ms = now() - t0;
      checkLists(app.store.getState(), 'reactant-share');
      app.destroy();
      return ms;
    },
    async coaction() {
      collectGarbage();
      const t0 = now();
      const store = coactionClient(authority, name, slices);
      await waitUntil(store, () => hasAllItems(store.getPureState()[last], items), JOIN_TIMEOUT_MS);
      const ms = now() - t0;
      checkLists(store.getPureState(), 'coaction');
      store.destroy();
      return ms;
    },
    async raw() {
      const result = await rawJoin(authority, { stores, items }, name);
      bytes ??= result.bytes();
      return result.ms;
    },
  };

  return {
    async join(subject) {
      const ms = await joins[subject]();
      checkProblems(name);
      return ms;
    },
    bytes: () => bytes,
    async close() {
      await authority.stop();
      checkProblems(name);
    },
  };
}
