// Page code of the cross-tab bench, bundled by esbuild (cross-tab.bench.mjs) and loaded in two
// tabs of one browser context. Tab A sends changes through a subject; tab B, when the subject
// delivers one, answers on a raw BroadcastChannel ("ack") with the change number and the time
// (`performance.timeOrigin + performance.now()`). Tab A sends the next change only after the
// ack, and records the time there (by the two clocks), back, and the round trip (by its own).
// Exposed to the bench as `window.crossTab`.
import {
  createLocalStorageBackend,
  createMemoryBackend,
  createPersistenceApplier,
} from '@statesync/persistence';
import { BroadcastChannel as PackageChannel } from 'broadcast-channel';
import { createPinia, defineStore } from 'pinia';
import { PiniaSharedState } from 'pinia-shared-state';
import { createApp } from 'vue';

const ACK_CHANNEL = 'cross-tab-bench-ack';

/** A settings object of ten fields; `counter` changes with every change sent. */
function makeSettings(counter) {
  return {
    theme: counter % 2 ? 'dark' : 'light',
    language: 'en-GB',
    fontSize: 14,
    compact: false,
    notifications: true,
    timezone: 'Europe/Berlin',
    dateFormat: 'YYYY-MM-DD',
    autosaveSeconds: 30,
    accent: '#3366ff',
    counter,
  };
}

/** The settings plus 100 recent documents: about 10 KB of JSON. */
function makeLarge(counter) {
  const recent = [];
  for (let i = 0; i < 100; i++) {
    recent.push({
      id: `doc-${i}`,
      title: `Quarterly report draft ${i}`,
      path: `/projects/alpha/reports/${i}.md`,
      openedAt: 1_700_000_000_000 + i,
    });
  }
  return { ...makeSettings(counter), recent };
}

const PAYLOADS = { small: makeSettings, large: makeLarge };

// ---- the ack channel: the receiving tab answers with the change number it got ----

const ackChannel = new BroadcastChannel(ACK_CHANNEL);
/** The change the sending tab waits for: `{ n, done(t1, receivedAt) }`. */
let waiting;
ackChannel.onmessage = (event) => {
  const t1 = performance.now();
  if (waiting !== undefined && event.data.n === waiting.n) waiting.done(t1, event.data.at);
};

/** Called by the receiving tab when the subject delivered change `n`. */
function ack(n) {
  ackChannel.postMessage({ n, at: performance.timeOrigin + performance.now() });
}

// ---- the subjects: each has a receiving side (tab B) and a sending side (tab A) ----

function rawSubject() {
  return {
    receive({ channel }) {
      const bc = new BroadcastChannel(channel);
      bc.onmessage = (event) => ack(event.data.revision);
      return () => bc.close();
    },
    send({ channel }) {
      const bc = new BroadcastChannel(channel);
      return {
        send: (n, data) => bc.postMessage({ revision: n, data }),
        close: () => bc.close(),
      };
    },
  };
}

function statesyncSubject(backend) {
  const storage = (key) =>
    backend === 'localStorage' ? createLocalStorageBackend({ key }) : createMemoryBackend();
  const create = (channel, key, inner) =>
    createPersistenceApplier({
      storage: storage(key),
      applier: inner,
      crossTabSync: { channelName: channel },
    });
  return {
    async receive({ channel, key }) {
      const applier = create(channel, key, { apply: (snapshot) => ack(Number(snapshot.revision)) });
      await applier.hydrate();
      return () => applier.dispose({ flush: false });
    },
    async send({ channel, key }) {
      const applier = create(channel, key, { apply() {} });
      await applier.hydrate();
      return {
        send: (n, data) => applier.apply({ revision: String(n), data }),
        close: () => applier.dispose({ flush: false }),
      };
    },
  };
}

function packageSubject() {
  return {
    receive({ channel }) {
      const bc = new PackageChannel(channel);
      bc.onmessage = (message) => ack(message.revision);
      return () => bc.close();
    },
    send({ channel }) {
      const bc = new PackageChannel(channel);
      return {
        send: (n, data) => bc.postMessage({ revision: n, data }),
        close: () => bc.close(),
      };
    },
  };
}

/**
 * A pinia store shared by pinia-shared-state's plugin. Plugins only run once pinia is installed
 * in an app, so each store gets a (never mounted) Vue app. The plugin names its channel after
 * the store id, which is therefore unique per round, and it has no way to close the channel.
 */
function createSharedStore(id) {
  const pinia = createPinia();
  pinia.use(PiniaSharedState({ enable: true, initialize: false }));
  createApp({}).use(pinia);
  const useStore = defineStore(id, { state: () => ({ revision: 0, ...makeSettings(0) }) });
  return useStore(pinia);
}

function piniaSubject() {
  return {
    receive({ channel }) {
      const store = createSharedStore(channel);
      return store.$subscribe((_mutation, state) => ack(state.revision), { flush: 'sync' });
    },
    send({ channel }) {
      const store = createSharedStore(channel);
      let sentAt = 0;
      return {
        // The plugin stamps each change with Date.now() and the other tab drops a change whose
        // stamp is not newer than the last one it took, so a second change within the same
        // millisecond would never arrive: wait for the next millisecond, outside the timing.
        prepare() {
          while (Date.now() <= sentAt) {}
        },
        send(n, data) {
          store.$patch({ ...data, revision: n });
          sentAt = Date.now();
        },
        close() {},
      };
    },
  };
}

const SUBJECTS = {
  raw: rawSubject(),
  'statesync-memory': statesyncSubject('memory'),
  'statesync-localStorage': statesyncSubject('localStorage'),
  'broadcast-channel': packageSubject(),
  'pinia-shared-state': piniaSubject(),
};

let stopReceiving;

/**
 * Sends change `n` and waits for its ack. Resolves with, in ms: the way there (A's send to B's
 * ack, on the two pages' clocks), the ack's way back, and the round trip on A's clock alone.
 */
function roundTrip(n, send, timeoutMs) {
  let t0;
  const acked = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting = undefined;
      reject(new Error(`no ack for change ${n} within ${timeoutMs} ms`));
    }, timeoutMs);
    waiting = {
      n,
      done(t1, receivedAt) {
        clearTimeout(timer);
        waiting = undefined;
        const sentAt = performance.timeOrigin + t0;
        const ackedAt = performance.timeOrigin + t1;
        resolve({ oneWay: receivedAt - sentAt, ackWay: ackedAt - receivedAt, roundTrip: t1 - t0 });
      },
    };
  });
  t0 = performance.now();
  // A subject whose send is asynchronous (statesync's apply) finishes it before the next change.
  return Promise.all([acked, send()]).then(([times]) => times);
}

window.crossTab = {
  subjects: Object.keys(SUBJECTS),
  payloadBytes: (size) => JSON.stringify(PAYLOADS[size](0)).length,
  isolated: () => globalThis.crossOriginIsolated === true,

  /** Tab B: start answering the changes `subject` delivers on `channel`. */
  async receive({ subject, channel, key }) {
    if (key) localStorage.removeItem(key);
    stopReceiving = await SUBJECTS[subject].receive({ channel, key });
  },

  async stopReceiving({ key } = {}) {
    await stopReceiving?.();
    stopReceiving = undefined;
    if (key) localStorage.removeItem(key);
  },

  /**
   * Tab A: sends `warmup + count` changes one after the other, each once the previous one was
   * acknowledged; returns the times (ms, see `roundTrip`) of the last `count`.
   */
  async send({ subject, channel, key, size, warmup, count, timeoutMs }) {
    const sender = await SUBJECTS[subject].send({ channel, key });
    const makePayload = PAYLOADS[size];
    const times = { oneWay: [], ackWay: [], roundTrips: [] };
    try {
      for (let n = 1; n <= warmup + count; n++) {
        const data = makePayload(n);
        sender.prepare?.();
        const {
          oneWay,
          ackWay,
          roundTrip: rtt,
        } = await roundTrip(n, () => sender.send(n, data), timeoutMs);
        if (n > warmup) {
          times.oneWay.push(oneWay);
          times.ackWay.push(ackWay);
          times.roundTrips.push(rtt);
        }
      }
    } finally {
      await sender.close();
    }
    return times;
  },
};
