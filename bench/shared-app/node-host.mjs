// The node plumbing of the shared-app benches, free of any state library: starting an authority
// worker (worker_threads) and handing it MessageChannel ports, full garbage collections, and the
// raw postMessage baseline on both sides. Used by shared-app/node.mjs (statesync) and
// peers/node.mjs (reactant-share, coaction), so every subject is compared with the same baseline.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MessageChannel, Worker } from 'node:worker_threads';
import { now } from '../measure.mjs';
import { createArrival, withTimeout } from './common.mjs';
import { fieldState, hasAllItems, jsonBytes } from './data.mjs';

const START_TIMEOUT_MS = 60_000;
export const UPDATE_TIMEOUT_MS = 2_000;
export const JOIN_TIMEOUT_MS = 30_000;

let gc;
/**
 * A full collection, made before each full-state sample (of every subject), so that one sample
 * does not pay for collecting the megabytes the previous one left behind. `--expose-gc` is set
 * at run time, on first use.
 */
export function collectGarbage() {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc');
  }
  gc();
}

/**
 * Starts the authority worker at `url`; resolves once it posted `{ type: 'ready' }`. It must
 * answer `{ type: 'problems' }` with `{ type: 'problems', problems }` and end on
 * `{ type: 'stop' }`.
 */
export async function startWorker(url, workerData) {
  const worker = new Worker(url, { workerData });
  const ready = new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the authority worker exited with ${code}`)));
    worker.on('message', (message) => {
      if (message.type === 'ready') resolve();
    });
  });
  await withTimeout(ready, START_TIMEOUT_MS, 'the authority worker starting');
  return {
    worker,
    /** Hands one end of a new MessageChannel to the worker as `{ type, port }`; returns the other. */
    link(type) {
      const { port1, port2 } = new MessageChannel();
      worker.postMessage({ type, port: port2 }, [port2]);
      return port1;
    },
    /** Stops it; rejects with what went wrong inside, if anything did. */
    async stop() {
      const reply = new Promise((resolve) =>
        worker.on('message', (message) => {
          if (message.type === 'problems') resolve(message.problems);
        }),
      );
      worker.postMessage({ type: 'problems' });
      const problems = await withTimeout(reply, 5_000, 'the authority worker reporting');
      worker.postMessage({ type: 'stop' });
      await withTimeout(
        new Promise((resolve) => worker.once('exit', resolve)),
        5_000,
        'the authority worker stopping',
      ).catch(() => worker.terminate());
      if (problems.length) throw new Error(`in the authority worker: ${problems.join('; ')}`);
    },
  };
}

/**
 * The worker side of the raw baseline: `state` is a plain object (`{ m<s>: { f<f> } }` for
 * updates, `{ list<s>: { items } }` for the full state). `connect(port)` takes a client's port.
 */
export function serveRaw(kind, state) {
  const names = Object.keys(state);
  const ports = [];
  return {
    connect(port) {
      if (kind === 'full') {
        // A new client: the whole state in one message.
        port.postMessage(state);
        return;
      }
      ports.push(port);
      // A client asks for a change; every client hears it: what an action round does, by hand.
      port.on('message', ({ s, f, v }) => {
        state[names[s]][f] = v;
        for (const other of ports) other.postMessage({ s, f, v });
      });
    },
    close() {
      for (const port of ports) port.close();
    },
  };
}

/**
 * The client side of the raw update baseline: `clients` ports to the worker (`link('raw')`),
 * each with a plain object changed in place by each message. Returns the `arrival` and `send`
 * that runUpdates takes.
 */
export function rawUpdateClients(authority, { stores, fields, clients }) {
  const names = Object.keys(fieldState(stores, 1));
  const arrival = createArrival(clients, now);
  const ports = [];
  for (let c = 0; c < clients; c++) {
    const mirror = fieldState(stores, fields);
    const port = authority.link('raw');
    port.on('message', ({ s, f, v }) => {
      mirror[names[s]][f] = v;
      const target = arrival.target;
      if (target && target.store === s && target.value === v) arrival.seen(c);
    });
    ports.push(port);
  }
  return {
    arrival,
    send(target) {
      ports[0].postMessage({ s: target.store, f: target.field, v: target.value });
    },
    close() {
      for (const port of ports) port.close();
    },
  };
}

/**
 * The raw full-state baseline: a new port to the worker, over which it posts the whole state in
 * one message. Resolves with the ms from opening the port until the message arrived, and the
 * state's JSON bytes (measured after the timing).
 */
export async function rawJoin(authority, { stores, items }, label) {
  collectGarbage();
  const t0 = now();
  const port = authority.link('raw');
  const state = await withTimeout(
    new Promise((resolve) => port.once('message', resolve)),
    JOIN_TIMEOUT_MS,
    `raw join at ${label}`,
  );
  const ms = now() - t0;
  port.close();
  if (!hasAllItems(state[`list${stores - 1}`], items)) {
    throw new Error(`the raw client of ${label} did not get the whole state`);
  }
  return { ms, bytes: () => jsonBytes(state) };
}
