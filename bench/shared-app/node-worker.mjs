// The authority side of the shared-app bench in node: a worker_threads Worker running a
// statesync authority (createSharedApp, port 'server') and, for the baseline, the same state
// served by hand with raw postMessage. Started by shared-app.bench.mjs with workerData
// `{ kind: 'update' | 'full', app, stores, size }`; the main thread hands it one end of a
// MessageChannel per client: `{ type: 'connect', port }` for statesync, `{ type: 'raw', port }`
// for the baseline.
import { parentPort, workerData } from 'node:worker_threads';
import { createMessagePortTransport } from '@statesync/core';
import { createSharedApp, spawn } from '@statesync/shared';
import { serveRaw } from './node-host.mjs';
import { fieldState, fieldStores, itemStores } from './stores.mjs';

const { kind, app: name, stores, size } = workerData;
const problems = [];
const logger = {
  debug() {},
  info() {},
  warn: (message) => problems.push(`warn: ${message}`),
  error: (message) => problems.push(`error: ${message}`),
};

const definitions = kind === 'update' ? fieldStores(stores, size) : itemStores(stores);
let accept;
const app = createSharedApp({
  stores: definitions,
  share: {
    name,
    port: 'server',
    type: 'SharedWorker',
    transport: {
      accept(onConnection) {
        accept = onConnection;
        return () => {
          accept = undefined;
        };
      },
    },
  },
  logger,
  onError: ({ phase, error }) => problems.push(`${phase}: ${error.message}`),
});

await app.ready;
if (kind === 'full') {
  for (const definition of definitions) await spawn(app.store(definition), 'fill', [size]);
}

/** The baseline: a plain object, changed in place (update) or sent whole (full). */
const raw = serveRaw(
  kind,
  kind === 'update'
    ? fieldState(stores, size)
    : // The very object statesync's authority holds.
      Object.fromEntries(definitions.map((d) => [d.name, app.store(d).getState()])),
);

parentPort.on('message', (message) => {
  switch (message.type) {
    case 'connect':
      accept(createMessagePortTransport(message.port, { logger }));
      return;
    case 'raw':
      raw.connect(message.port);
      return;
    case 'problems':
      parentPort.postMessage({ type: 'problems', problems });
      return;
    case 'stop':
      raw.close();
      void app.dispose().then(() => parentPort.close());
      return;
  }
});
parentPort.postMessage({ type: 'ready' });
