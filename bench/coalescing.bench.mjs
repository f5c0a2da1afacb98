// How many snapshot fetches one burst of invalidations costs. The baseline is a client without
// coalescing, which fetches once per invalidation.
import { createAuthority, createRevisionSync } from '@statesync/core';
import { median, now, waitUntil } from './measure.mjs';

export const title = 'coalescing: fetches per burst of invalidations';

const TOPIC = 'bench';
const BURST = 10_000;
const SAMPLES = 3;
const CONVERGE_TIMEOUT_MS = 10_000;

/**
 * Engine options compared: the defaults (a leading 16 ms debounce capped at 100 ms), and no
 * throttling at all (`throttling: {}`), where only the engine's in-flight coalescing helps.
 * Fetches are counted until `settleMs` after the client converged, so a trailing fetch the
 * throttle still owes is counted too.
 */
const CONFIGS = [
  { label: 'default options', settleMs: 150 },
  { label: 'throttling: {}', throttling: {}, settleMs: 0 },
];

/** How the burst reaches the engine: all in one task, one per microtask, one per macrotask. */
const DELIVERIES = {
  sync: async (authority) => {
    for (let i = 1; i <= BURST; i++) authority.set({ count: i });
  },
  microtask: async (authority) => {
    for (let i = 1; i <= BURST; i++) {
      authority.set({ count: i });
      await null;
    }
  },
  macrotask: async (authority) => {
    for (let i = 1; i <= BURST; i++) {
      authority.set({ count: i });
      await new Promise((resolve) => setImmediate(resolve));
    }
  },
};

/** One burst against a fresh authority and client; counts the fetches the burst caused. */
async function burst(deliver, { throttling, settleMs }) {
  const authority = createAuthority({ topic: TOPIC, data: { count: 0 }, epoch: 'bench' });
  let fetches = 0;
  const provider = {
    getSnapshot(request) {
      fetches++;
      return authority.provider.getSnapshot(request);
    },
  };
  const options = {
    topic: TOPIC,
    subscriber: { subscribe: authority.subscribe },
    provider,
    applier: { apply() {} },
    retry: false,
  };
  if (throttling) options.throttling = throttling;
  const sync = createRevisionSync(options);
  await sync.start();
  fetches = 0;
  const started = now();
  await deliver(authority);
  const target = authority.getRevision();
  try {
    await waitUntil(sync.status, () => sync.getLocalRevision() === target, CONVERGE_TIMEOUT_MS);
    const ms = now() - started;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return { fetches, ms };
  } finally {
    await sync.stop();
  }
}

export async function run({ report }) {
  for (const config of CONFIGS) {
    for (const [delivery, deliver] of Object.entries(DELIVERIES)) {
      await measure(report, config, delivery, deliver);
    }
  }
}

async function measure(report, config, delivery, deliver) {
  const fetches = [];
  const ms = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    const result = await burst(deliver, config);
    fetches.push(result.fetches);
    ms.push(result.ms);
  }
  report({
    name: `fetches per 10,000-invalidation burst (${delivery}, ${config.label})`,
    value: median(fetches),
    baseline: { name: 'no coalescing', value: BURST },
    // The goal is for what users get by default; `throttling: {}` is shown for reference.
    ...(config.throttling === undefined && { goal: { max: 2, of: 'value' } }),
    extra: { samples: fetches, convergeMs: median(ms) },
  });
}
