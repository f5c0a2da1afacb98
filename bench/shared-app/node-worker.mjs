// The authority side of the shared-app bench in node: a worker_threads Worker running a
// statesync authority (createSharedApp, port 'server') and, for the baseline, the same state
// served by hand with raw postMessage. Started by shared-app.bench.mjs with workerData
// `{ kind: 'update' | 'full', app, stores, size }`; the main thread hands it one end of a
// MessageChannel per client: `{ type: 'connect', port }` for statesync, `{ type: 'raw', port }`
// for the baseline.
import { parentPort, workerData } from 'node:worker_threads';
import { createMessagePortTransport } from '@statesync/core';
import { createSharedApp, spawn } from '@statesync/shared';
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

if (kind === 'full') {
  for (const definition of definitions) await spawn(app.store(definition), 'fill', [size]);
}

/** The baseline's state: a plain object, changed in place (update) or sent whole (full). */
const rawState =
  kind === 'update'
    ? fieldState(stores, size)
    : Object.fromEntries(definitions.map((d) => [d.name, app.store(d).getState()]));
const rawPorts = [];
const names = definitions.map((d) => d.name);

parentPort.on('message', (message) => {
  switch (message.type) {
    case 'connect':
      accept(createMessagePortTransport(message.port, { logger }));
      return;
    case 'raw':
      if (kind === 'full') {
        // A new client: the whole state, the same object statesync's authority holds.
        message.port.postMessage(rawState);
        return;
      }
      rawPorts.push(message.port);
      // A client asks for a change; every client hears it: what an action round does, by hand.
      message.port.on('message', ({ s, f, v }) => {
        rawState[names[s]][f] = v;
        for (const port of rawPorts) port.postMessage({ s, f, v });
      });
      return;
    case 'problems':
      parentPort.postMessage({ type: 'problems', problems });
      return;
    case 'stop':
      for (const port of rawPorts) port.close();
      void app.dispose().then(() => parentPort.close());
      return;
  }
});
parentPort.postMessage({ type: 'ready' });
