// Page code of the SharedTab bench, bundled by shared-tab.bench.mjs and exposed as
// `window.sharedBench`. A page runs any of four services, started by name; each has a `call()`
// that resolves with who answered it:
// - `tab`: statesync in SharedTab mode, `spawn(probe, 'bump', [])`, answered by the leader tab;
// - `raw`: the same job by hand, its baseline: a Web Lock elects the tab that answers, requests
//   and answers go over one BroadcastChannel, and a newly elected tab announces itself so that
//   requests still waiting are sent again;
// - `worker`: statesync in SharedWorker mode, the authority in worker.mjs;
// - `echo`: a MessagePort to echo-worker.mjs, its baseline.
import { createSharedApp, spawn } from '@statesync/shared';
import { withTimeout } from '../shared-app/common.mjs';
import { probeStore } from './stores.mjs';

/** The machine's clock, in ms: the same in every page of the browser. */
const wall = () => performance.timeOrigin + performance.now();
const now = () => performance.now();
const CALL_TIMEOUT_MS = 5_000;
const ROUND_TRIP_TIMEOUT_MS = 2_000;
const FAILOVER_TIMEOUT_MS = 10_000;
const FAILOVER_MAX_CALLS = 5_000;
/** The pause between two calls of the failover loop, as calls from a UI come. */
const GAP_MS = 5;

const problems = [];
const notes = [];
const logger = {
  debug() {},
  info() {},
  warn: (message) => notes.push(`warn: ${message}`),
  error: (message, extra) =>
    problems.push(`error: ${message}${extra?.error ? ` (${extra.error.message})` : ''}`),
};
const onError = ({ phase, error }) => notes.push(`${phase}: ${error.code} ${error.message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function statesyncService(share, mode) {
  let self = '';
  const definition = probeStore(() => self);
  const app = createSharedApp({
    stores: [definition],
    share,
    logger,
    onError,
    callTimeoutMs: CALL_TIMEOUT_MS,
  });
  self = app.status.getState().clientId;
  const handle = app.store(definition);
  return {
    id: self,
    ready: app.ready.then(() => {
      if (app.mode !== mode) throw new Error(`the app runs in ${app.mode} mode, not ${mode}`);
    }),
    call: () => spawn(handle, 'bump', []),
    status: () => ({ ...app.status.getState(), epoch: handle.status.getState().epoch ?? '' }),
  };
}

function rawTabService(name) {
  const self = crypto.randomUUID();
  const channel = new BroadcastChannel(name);
  const pending = new Map();
  let leading = false;
  let seq = 0;
  const settle = (id, by) => {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    waiting.resolve(by);
  };
  channel.onmessage = ({ data }) => {
    if (data.type === 'call') {
      if (leading) channel.postMessage({ type: 'result', to: data.from, id: data.id, by: self });
    } else if (data.type === 'result') {
      if (data.to === self) settle(data.id, data.by);
    } else if (data.type === 'leader') {
      for (const { message } of pending.values()) channel.postMessage(message);
    }
  };
  void navigator.locks.request(`${name}:leader`, () => {
    leading = true;
    channel.postMessage({ type: 'leader', from: self });
    for (const id of [...pending.keys()]) settle(id, self);
    // Held for the page's life.
    return new Promise(() => {});
  });
  return {
    id: self,
    ready: Promise.resolve(),
    call() {
      if (leading) return Promise.resolve(self);
      const message = { type: 'call', from: self, id: ++seq };
      return new Promise((resolve) => {
        pending.set(message.id, { resolve, message });
        channel.postMessage(message);
      });
    },
    status: () => ({ role: leading ? 'leader' : 'client' }),
  };
}

function echoService() {
  const { port } = new SharedWorker('/echo-worker.js', { name: 'bench-echo', type: 'module' });
  const pending = new Map();
  let seq = 0;
  port.onmessage = ({ data }) => {
    pending.get(data)?.('echo');
    pending.delete(data);
  };
  return {
    id: 'echo',
    ready: Promise.resolve(),
    call() {
      const id = ++seq;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        port.postMessage(id);
      });
    },
    status: () => ({ role: 'client' }),
  };
}

const start = {
  tab: (name) => statesyncService({ name, type: 'SharedTab' }, 'SharedTab'),
  raw: rawTabService,
  worker: (name) =>
    statesyncService(
      { name, port: 'client', type: 'SharedWorker', workerURL: `/worker.js?app=${name}` },
      'SharedWorker',
    ),
  echo: echoService,
};

const services = new Map();
const failovers = new Map();
const service = (kind) => {
  const found = services.get(kind);
  if (!found) throw new Error(`no ${kind} service in this page`);
  return found;
};

/**
 * Calls without end (bounded) until one is answered by a tab other than `oldLeader`; resolves
 * with the clock reading when that call resolved. `armed()` once a call was served by
 * `oldLeader`, i.e. the loop runs before the driver closes that tab.
 */
async function failoverLoop(kind, oldLeader, armed) {
  const deadline = now() + FAILOVER_TIMEOUT_MS;
  const failures = [];
  for (let calls = 1; calls <= FAILOVER_MAX_CALLS && now() < deadline; calls++) {
    let by;
    try {
      by = await withTimeout(service(kind).call(), deadline - now(), `${kind} call`);
    } catch (error) {
      failures.push(String(error?.code ?? error?.message ?? error));
    }
    if (by === oldLeader) armed();
    else if (by !== undefined) return { at: wall(), by, calls, failures };
    await sleep(GAP_MS);
  }
  throw new Error(
    `${kind}: no call served by a new leader within ${FAILOVER_TIMEOUT_MS} ms (${failures.join(', ')})`,
  );
}

window.sharedBench = {
  isolated: () => globalThis.crossOriginIsolated === true,
  problems: () => problems.splice(0),
  notes: () => notes.splice(0),
  wall,

  /** Starts service `kind` as app or channel `name`; resolves with its id once it is ready. */
  async start(kind, name) {
    const started = start[kind](name);
    services.set(kind, started);
    await withTimeout(started.ready, 10_000, `${kind} start`);
    return started.id;
  },
  id: (kind) => service(kind).id,
  status: (kind) => service(kind).status(),
  whoServes: (kind) => withTimeout(service(kind).call(), ROUND_TRIP_TIMEOUT_MS, `${kind} call`),

  /** ms from each call to its settling, `count` calls one after the other. */
  async roundTrips(kind, count) {
    const samples = [];
    for (let i = 0; i < count; i++) {
      const t0 = now();
      await withTimeout(service(kind).call(), ROUND_TRIP_TIMEOUT_MS, `${kind} round trip`);
      samples.push(now() - t0);
    }
    return samples;
  },

  /** Starts the failover loop; resolves once its calls are served by `oldLeader`. */
  async armFailover(kind, oldLeader) {
    let armed;
    const isArmed = new Promise((resolve) => {
      armed = resolve;
    });
    const loop = failoverLoop(kind, oldLeader, armed);
    loop.catch(() => {});
    failovers.set(kind, loop);
    await withTimeout(Promise.race([isArmed, loop]), ROUND_TRIP_TIMEOUT_MS, `arming ${kind}`);
  },
  failoverResult: (kind) => failovers.get(kind),
};
