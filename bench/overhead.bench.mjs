// What the engine adds to one change: authority change → event → revision gate → fetch →
// apply, against a bare loop doing the same change and the same fetch and apply by hand.
import { applyPatch, createAuthority, createRevisionSync } from '@statesync/core';
import { compare, cpuTime, now } from './measure.mjs';

export const title = 'engine overhead per invalidation → apply';

const TOPIC = 'bench';
const ITERATIONS = 20_000;
const WARMUP = 4;
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
 * Runs and awaits `step(i)` for i = 1..iterations; returns the CPU ms it took. Wall-clock
 * latencies are recorded per iteration only when asked, so plain samples have no clock reads.
 */
async function timeLoop(iterations, latencies, step) {
  const started = cpuTime();
  if (latencies === undefined) {
    for (let i = 1; i <= iterations; i++) await step(i);
  } else {
    for (let i = 1; i <= iterations; i++) {
      const t = now();
      await step(i);
      latencies[i - 1] = now() - t;
    }
  }
  return cpuTime() - started;
}

/**
 * The applier both loops use. `until(i)` returns a promise that resolves once local state holds
 * change `i`, so each iteration of either loop covers the whole way from the authority to the
 * applier and pays for the same promise and await.
 */
function createProbe() {
  let state;
  let waitingFor = 0;
  let wake;
  const check = () => {
    if (state.count >= waitingFor) wake?.();
  };
  return {
    applier: {
      apply(snapshot) {
        state = snapshot.data;
        check();
      },
      applyPatch(envelope) {
        state = applyPatch(state, envelope.ops);
        check();
      },
    },
    getState: () => state,
    setState(next) {
      state = next;
    },
    until(i) {
      waitingFor = i;
      return new Promise((resolve) => {
        wake = resolve;
      });
    },
  };
}

/** Times `iterations` changes that reach the applier through a started engine. */
async function withEngine(iterations, latencies, { patch }) {
  const authority = createAuthority({ topic: TOPIC, data: makeData(0), epoch: 'bench' });
  const probe = createProbe();
  const { apply, applyPatch: patchApplier } = probe.applier;
  const sync = createRevisionSync({
    topic: TOPIC,
    subscriber: { subscribe: authority.subscribe },
    provider: authority.provider,
    // Without applyPatch the engine would pull a snapshot for every delta.
    applier: patch ? { apply, applyPatch: patchApplier } : { apply },
    retry: false,
    // Each change waits for the previous one: measure the engine, not the default debounce.
    throttling: {},
  });
  await sync.start();
  const ms = await timeLoop(iterations, latencies, (i) => {
    const applied = probe.until(i);
    if (patch) authority.patch(makeOps(i));
    else authority.set(makeData(i));
    return applied;
  });
  await sync.stop();
  if (probe.getState().count !== iterations) throw new Error('engine lost changes');
  return ms;
}

/** The same changes, fetched (or patched) and applied by hand: the least any integration does. */
async function bare(iterations, latencies, { patch }) {
  const authority = createAuthority({ topic: TOPIC, data: makeData(0), epoch: 'bench' });
  const request = { topic: TOPIC, signal: new AbortController().signal };
  const probe = createProbe();
  probe.setState(authority.getData());
  const ms = await timeLoop(
    iterations,
    latencies,
    patch
      ? (i) => {
          const applied = probe.until(i);
          const base = authority.getRevision();
          const ops = makeOps(i);
          const event = authority.patch(ops);
          probe.applier.applyPatch({ base, revision: event.revision, ops });
          return applied;
        }
      : async (i) => {
          // Resolved by apply(); awaiting this async step is the one await, as for the engine.
          probe.until(i);
          authority.set(makeData(i));
          probe.applier.apply(await authority.provider.getSnapshot(request));
        },
  );
  if (probe.getState().count !== iterations) throw new Error('bare loop lost changes');
  return ms;
}

/** Run by measure.mjs, each in a process of its own. */
export const variants = {
  engineSnapshot: (n, latencies) => withEngine(n, latencies, { patch: false }),
  bareSnapshot: (n, latencies) => bare(n, latencies, { patch: false }),
  enginePatch: (n, latencies) => withEngine(n, latencies, { patch: true }),
  barePatch: (n, latencies) => bare(n, latencies, { patch: true }),
};

const CASES = [
  {
    name: 'invalidation → fetch → apply',
    baseline: 'bare await getSnapshot() + apply()',
    variants: { engine: 'engineSnapshot', bare: 'bareSnapshot' },
  },
  {
    name: 'delta event → applyPatch',
    baseline: 'bare applyPatch()',
    variants: { engine: 'enginePatch', bare: 'barePatch' },
  },
];

export async function run({ report }) {
  for (const { name, baseline, variants: pair } of CASES) {
    const result = await compare({
      file: import.meta.url,
      variants: pair,
      iterations: ITERATIONS,
      samples: SAMPLES,
      warmup: WARMUP,
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
