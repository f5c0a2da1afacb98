// The statesync side of a node authority worker (worker_threads), shared by the benches that
// run one (shared-app/node-worker.mjs, optimistic/worker.mjs): createSharedApp with port
// 'server' over the MessageChannel ports the main thread hands in, beside the bench's raw
// baseline. Messages from the main thread: `{ type: 'connect', port }` (statesync),
// `{ type: 'raw', port }` (the baseline), `problems` and `stop`; it posts `ready` once serving.
import { parentPort } from 'node:worker_threads';
import { createMessagePortTransport } from '@statesync/core';
import { createSharedApp } from '@statesync/shared';

/**
 * Serves `stores` as app `name`. `prepare(app)` runs once the app is ready (to fill the state),
 * then `raw(app)` makes the baseline: what it does with each raw port, and how it stops.
 */
export async function serveBenchAuthority({ name, stores, prepare, raw }) {
  const problems = [];
  const logger = {
    debug() {},
    info() {},
    warn: (message) => problems.push(`warn: ${message}`),
    error: (message) => problems.push(`error: ${message}`),
  };
  let accept;
  const app = createSharedApp({
    stores,
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
  await prepare?.(app);
  const baseline = raw(app);

  parentPort.on('message', (message) => {
    switch (message.type) {
      case 'connect':
        accept(createMessagePortTransport(message.port, { logger }));
        return;
      case 'raw':
        baseline.connect(message.port);
        return;
      case 'problems':
        parentPort.postMessage({ type: 'problems', problems });
        return;
      case 'stop':
        baseline.close();
        void app.dispose().then(() => parentPort.close());
        return;
    }
  });
  parentPort.postMessage({ type: 'ready' });
}
