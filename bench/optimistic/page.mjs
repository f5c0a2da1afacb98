// The optimistic bench's page in Chromium: one client app of /app-worker.js (a SharedWorker
// authority) and a port to /echo-worker.js, the raw round-trip baseline. `window.sharedBench`
// is what optimistic.bench.mjs drives; every sample is measured here, on one clock.
import { createSharedApp, spawn } from '@statesync/shared';
import { collectingLogger } from '../shared-app/common.mjs';
import { createInputs } from './inputs.mjs';
import { fields } from './stores.mjs';

const problems = [];
const logger = collectingLogger(problems);
const app = createSharedApp({
  stores: [fields],
  share: {
    name: 'optimistic-bench',
    port: 'client',
    type: 'SharedWorker',
    workerURL: '/app-worker.js',
  },
  logger,
  onError: ({ phase, error }) => problems.push(`${phase}: ${error.message}`),
});
const echo = new SharedWorker('/echo-worker.js', { name: 'echo', type: 'module' }).port;
echo.start();
let inputs;

window.sharedBench = {
  isolated: () => globalThis.crossOriginIsolated === true,
  problems: () => problems.splice(0),
  async start() {
    await app.ready;
    if (app.mode !== 'SharedWorker') throw new Error(`the client runs in ${app.mode} mode`);
    inputs = createInputs({
      handle: app.store(fields),
      spawn,
      clock: () => performance.now(),
      post: (message) => echo.postMessage(message),
      onAnswer: (listener) => {
        echo.onmessage = ({ data }) => listener(data);
      },
    });
  },
  measure: (subject, count) => inputs.measure(subject, count),
};
