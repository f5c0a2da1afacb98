// The authority of the optimistic bench: a worker_threads Worker running createSharedApp (port
// 'server'), and the raw baseline, a port that posts every message straight back. The main
// thread hands it `{ type: 'connect', port }` (statesync) and `{ type: 'raw', port }`.
import { parentPort } from 'node:worker_threads';
import { createMessagePortTransport } from '@statesync/core';
import { createSharedApp } from '@statesync/shared';
import { fields } from './stores.mjs';

const problems = [];
const logger = {
  debug() {},
  info() {},
  warn: (message) => problems.push(`warn: ${message}`),
  error: (message) => problems.push(`error: ${message}`),
};
let accept;
const app = createSharedApp({
  stores: [fields],
  share: {
    name: 'optimistic-bench',
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

const rawPorts = [];
parentPort.on('message', (message) => {
  switch (message.type) {
    case 'connect':
      accept(createMessagePortTransport(message.port, { logger }));
      return;
    case 'raw':
      rawPorts.push(message.port);
      message.port.on('message', (data) => message.port.postMessage(data));
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
