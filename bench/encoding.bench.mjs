// How to send a new client the whole state: one structured clone (the baseline, what
// `postMessage(state)` does), one JSON string, or one message per store (structured clone or
// JSON string) with the authority yielding between them. Timed from opening the link until the client holds the parsed state;
// also the longest time the authority ran without yielding, which its other clients wait out.
import { Worker } from 'node:worker_threads';
import { median, now } from './measure.mjs';
import { withTimeout } from './shared-app/common.mjs';
import { hasAllItems, jsonBytes, makeItems } from './shared-app/data.mjs';
import { alternate, toUs } from './shared-app/harness.mjs';
import { collectGarbage, JOIN_TIMEOUT_MS } from './shared-app/node-host.mjs';

export const title = 'full-state encodings for a new client (node)';

const SHAPE = { stores: 1_000, items: 1_000 };
const ENCODINGS = ['clone', 'json', 'cloneChunks', 'chunks'];
const WARMUP = 1;
const JOINS = 4;
const NAMES = {
  json: 'one JSON string',
  cloneChunks: 'one structured clone per store, yielding',
  chunks: 'one JSON string per store, yielding',
};

/** Receives one join over `port`; resolves with the whole state, parsed. */
function receive(port, encoding) {
  return new Promise((resolve) => {
    if (encoding === 'clone') port.once('message', resolve);
    else if (encoding === 'json') port.once('message', (text) => resolve(JSON.parse(text)));
    else {
      const state = {};
      let left = SHAPE.stores;
      port.on('message', ([name, body]) => {
        state[name] = encoding === 'chunks' ? JSON.parse(body) : body;
        if (--left === 0) resolve(state);
      });
    }
  });
}

export async function run({ report }) {
  const worker = new Worker(new URL('./encoding/worker.mjs', import.meta.url), {
    workerData: SHAPE,
  });
  const fromWorker = (type) =>
    new Promise((resolve) =>
      worker.on('message', function listener(message) {
        if (message.type !== type) return;
        worker.off('message', listener);
        resolve(message);
      }),
    );
  worker.once('error', (error) => console.error(error));
  await withTimeout(fromWorker('ready'), 60_000, 'the encoding worker starting');
  const samples = Object.fromEntries(ENCODINGS.map((name) => [name, { ms: [], pauseMs: [] }]));
  const last = `list${SHAPE.stores - 1}`;
  let bytes;
  try {
    for (let round = 0; round < WARMUP + JOINS; round++) {
      for (const encoding of alternate(ENCODINGS, round)) {
        collectGarbage();
        const { port1, port2 } = new MessageChannel();
        const sent = fromWorker('sent');
        const t0 = now();
        worker.postMessage({ type: 'join', encoding, port: port2 }, [port2]);
        const state = await withTimeout(receive(port1, encoding), JOIN_TIMEOUT_MS, encoding);
        const ms = now() - t0;
        const { longestPauseMs } = await withTimeout(sent, JOIN_TIMEOUT_MS, `${encoding} sent`);
        port1.close();
        if (!hasAllItems(state[last], SHAPE.items))
          throw new Error(`${encoding}: state incomplete`);
        bytes ??= jsonBytes({ [last]: { items: makeItems(SHAPE.stores - 1, SHAPE.items) } });
        if (round < WARMUP) continue;
        samples[encoding].ms.push(ms);
        samples[encoding].pauseMs.push(longestPauseMs);
      }
    }
  } finally {
    worker.postMessage({ type: 'stop' });
  }
  const mb = ((bytes * SHAPE.stores) / 1e6).toFixed(0);
  const shape = `${SHAPE.stores}×${SHAPE.items}`;
  const clone = samples.clone;
  for (const encoding of ENCODINGS.slice(1)) {
    report({
      name: `node, full state ${shape} items, ~${mb} MB: new client has it by ${NAMES[encoding]}`,
      value: toUs(median(samples[encoding].ms)),
      unit: 'µs',
      baseline: {
        name: 'raw postMessage of the same object',
        value: toUs(median(clone.ms)),
        unit: 'µs',
      },
      extra: { samples: samples[encoding].ms.map(toUs), baselineSamples: clone.ms.map(toUs) },
    });
    report({
      name: `node, ${shape}: longest authority pause while sending ${NAMES[encoding]}`,
      value: toUs(median(samples[encoding].pauseMs)),
      unit: 'µs',
      baseline: { name: 'posting the object', value: toUs(median(clone.pauseMs)), unit: 'µs' },
    });
  }
}
