// What the engine adds to one change: authority change → event → revision gate → fetch →
// apply, against a bare loop doing the same change and the same fetch and apply by hand.
import { applyPatch, createAuthority, createRevisionSync } from '@statesync/core';
import { compare, cpuTime, now } from './measure.mjs';

export const title = 'engine overhead per invalidation → apply';

const TOPIC = 'bench';
const ITERATIONS = 20_000;
const SAMPLES = 8;
const LATENCY_SAMPLES = 2;
const ITEMS = 16;

/** The same shape in every loop: a counter plus a small array, as a settings object might be. */
const makeData = (count) => ({
  count,
  label: 'bench',
  items: Array.from({ length: ITEMS }, (_, i) => i),
});
const makeOps = (i) => [
  { op: 'replace', path: ['count'], value: i },
  { op: 'replace', path: ['items', i % ITEMS], value: i },
];

/**
 * Runs `step(i)` for i = 1..iterations, awaiting it only when it returns a promise, so a
 * synchronous step stays synchronous; returns the CPU ms it took. Wall-clock latencies are
 * recorded per iteration only when asked, so the plain samples carry no extra clock reads.
 */
async function timeLoop(iterations, latencies, step) {
  const started = cpuTime();
  if (latencies === undefined) {
    for (let i = 1; i <= iterations; i++) {
      const pending = step(i);
      if (pending) await pending;
    }
  } else {
    for (let i = 1; i <= iterations; i++) {
      const t = now();
      const pending = step(i);
      if (pending) await pending;
      latencies[i - 1] = now() - t;
    }
  }
  return cpuTime() - started;
}

/** Runs `loop` against a started engine whose applier resolves `applied` up to a count. */
async function withEngine(iterations, latencies, { patch }) {
  const authority = createAuthority({ topic: TOPIC, data: makeData(0), epoch: 'bench' });
  let state;
  let waitingFor = 0;
  let wake;
  const applied = () => {
    if (state.count >= waitingFor) wake?.();
  };
  const applier = {
    apply(snapshot) {
      state = snapshot.data;
      applied();
    },
  };
  if (patch) {
    applier.applyPatch = (envelope) => {
      state = applyPatch(state, envelope.ops);
      applied();
    };
  }
  const sync = createRevisionSync({
    topic: TOPIC,
    subscriber: { subscribe: authority.subscribe },
    provider: authority.provider,
    applier,
    retry: false,
  });
  await sync.start();
  const ms = await timeLoop(iterations, latencies, (i) => {
    waitingFor = i;
    const done = new Promise((resolve) => {
      wake = resolve;
    });
    if (patch) authority.patch(makeOps(i));
    else authority.set(makeData(i));
    return done;
  });
  await sync.stop();
  if (state.count !== iterations) throw new Error(`engine ended at ${state.count}`);
  return ms;
}

/** The same changes, fetched and applied by hand: the least any integration has to do. */
async function bare(iterations, latencies, { patch }) {
  const authority = createAuthority({ topic: TOPIC, data: makeData(0), epoch: 'bench' });
  const request = { topic: TOPIC, signal: new AbortController().signal };
  let state = authority.getData();
  const applier = {
    apply(snapshot) {
      state = snapshot.data;
    },
  };
  const ms = await timeLoop(
    iterations,
    latencies,
    patch
      ? (i) => {
          const ops = makeOps(i);
          authority.patch(ops);
          state = applyPatch(state, ops);
        }
      : async (i) => {
          authority.set(makeData(i));
          applier.apply(await authority.provider.getSnapshot(request));
        },
  );
  if (state.count !== iterations) throw new Error(`bare loop ended at ${state.count}`);
  return ms;
}

const CASES = [
  {
    name: 'invalidation → fetch → apply',
    baseline: 'bare await getSnapshot() + apply()',
    patch: false,
  },
  {
    name: 'delta event → applyPatch',
    baseline: 'bare applyPatch()',
    patch: true,
  },
];

export async function run({ report }) {
  for (const { name, baseline, patch } of CASES) {
    const result = await compare({
      variants: {
        engine: (n, latencies) => withEngine(n, latencies, { patch }),
        bare: (n, latencies) => bare(n, latencies, { patch }),
      },
      iterations: ITERATIONS,
      samples: SAMPLES,
      warmup: 3,
      latencySamples: LATENCY_SAMPLES,
    });
    report({
      name,
      value: result.engine.nsPerOp,
      unit: 'ns/op',
      p99: result.engine.p99Ns,
      baseline: {
        name: baseline,
        value: result.bare.nsPerOp,
        unit: 'ns/op',
        p99: result.bare.p99Ns,
      },
      goal: { max: 1.5, of: 'ratio' },
      extra: { samples: result.engine.samples, baselineSamples: result.bare.samples },
    });
  }
}
