// The authority side of the peers' shared-app bench in node: a worker_threads Worker holding the
// same state three times, for the three subjects compared in one run: reactant-share's server
// app, coaction's shared store, and the raw postMessage baseline (shared-app/node-host.mjs, as
// in statesync's bench). Started by peers/node.mjs with workerData
// `{ kind: 'update' | 'full', app, stores, size }`; the main thread hands it one end of a
// MessageChannel per client: `{ type: 'reactant-share' | 'coaction' | 'raw', port }`.
import { parentPort, workerData } from 'node:worker_threads';
import { fieldState, itemState } from '../shared-app/data.mjs';
import { serveRaw } from '../shared-app/node-host.mjs';
import { createCoactionStore, fieldSlices, itemSlices } from './coaction.mjs';
import { createHubTransport } from './node-transports.mjs';
import { createReactantApp, fieldModules, instanceOf, itemModules } from './reactant.mjs';

// The libraries as their users ship them (no development checks), as in the Chromium bundles.
process.env.NODE_ENV = 'production';

const { kind, app: name, stores, size } = workerData;
const problems = [];
// Both libraries report trouble (a timed-out request, a failed action) on the console only.
for (const level of ['warn', 'error']) {
  console[level] = (...args) => problems.push(`console.${level}: ${args.map(String).join(' ')}`);
}

const reactantHub = createHubTransport(`reactant-share:${name}`);
const modules = kind === 'update' ? fieldModules(stores, size) : itemModules(stores);
const reactant = await createReactantApp({
  name,
  modules,
  port: 'server',
  type: 'Base',
  transport: reactantHub.transport,
});

const coactionHub = createHubTransport(`coaction:${name}`);
const coaction = createCoactionStore(
  kind === 'update' ? fieldSlices(stores, size) : itemSlices(stores),
  {
    name,
    transport: coactionHub.transport,
  },
);

if (kind === 'full') {
  // Filled by their own actions before any client connects, as statesync's authority is.
  for (const Module of modules) instanceOf(reactant, Module).fill(size);
  for (let s = 0; s < stores; s++) coaction.getState()[`list${s}`].fill(size);
}

/** The baseline: a plain object, changed in place (update) or sent whole (full). */
const raw = serveRaw(kind, kind === 'update' ? fieldState(stores, size) : itemState(stores, size));

parentPort.on('message', (message) => {
  switch (message.type) {
    case 'reactant-share':
      reactantHub.add(message.port);
      return;
    case 'coaction':
      coactionHub.add(message.port);
      return;
    case 'raw':
      raw.connect(message.port);
      return;
    case 'problems':
      parentPort.postMessage({ type: 'problems', problems });
      return;
    case 'stop':
      raw.close();
      reactant.destroy();
      coaction.destroy();
      parentPort.close();
      return;
  }
});
parentPort.postMessage({ type: 'ready' });
