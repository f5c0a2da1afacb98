// The authority side of the encoding bench: a worker_threads Worker holding the full-state
// shape. For each `{ type: 'join', encoding, port }` it sends the whole state over `port` the
// way `encoding` says, then posts `{ type: 'sent', longestPauseMs }` to the main thread: the
// longest stretch it ran without yielding, i.e. how long its other clients had to wait.
import { parentPort, workerData } from 'node:worker_threads';
import { now } from '../measure.mjs';
import { itemState } from '../shared-app/data.mjs';

const state = itemState(workerData.stores, workerData.items);
const names = Object.keys(state);
const yieldToOthers = () => new Promise((resolve) => setImmediate(resolve));

const senders = {
  /** One structured clone of the object: what `postMessage(state)` does. */
  clone(port) {
    const t0 = now();
    port.postMessage(state);
    return now() - t0;
  },
  /** One JSON string: the receiver parses it. */
  json(port) {
    const t0 = now();
    port.postMessage(JSON.stringify(state));
    return now() - t0;
  },
  /** One structured clone per store, yielding between stores. */
  async cloneChunks(port) {
    let longest = 0;
    for (const name of names) {
      const t0 = now();
      port.postMessage([name, state[name]]);
      longest = Math.max(longest, now() - t0);
      await yieldToOthers();
    }
    return longest;
  },
  /** One JSON string per store, yielding between stores so other clients' messages get in. */
  async chunks(port) {
    let longest = 0;
    for (const name of names) {
      const t0 = now();
      port.postMessage([name, JSON.stringify(state[name])]);
      longest = Math.max(longest, now() - t0);
      await yieldToOthers();
    }
    return longest;
  },
};

parentPort.on('message', async (message) => {
  if (message.type === 'stop') process.exit(0);
  if (message.type !== 'join') return;
  const longestPauseMs = await senders[message.encoding](message.port);
  parentPort.postMessage({ type: 'sent', longestPauseMs });
});
parentPort.postMessage({ type: 'ready' });
