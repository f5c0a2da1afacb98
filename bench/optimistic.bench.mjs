// @statesync/shared's optimistic actions: the time from an input (a call of an action) until the
// calling window shows its change, with the action listed in `optimistic` and without. In node
// (the authority in a worker_threads Worker, the client on the main thread, a MessageChannel)
// and in headless Chromium (the authority in a real SharedWorker). The baseline is a raw
// postMessage round trip to a worker that posts it straight back, measured in the same run,
// taking turns with both subjects round by round.
import { createMessagePortTransport } from '@statesync/core';
import { createSharedApp, spawn } from '@statesync/shared';
import { launchBrowser } from '../e2e/harness/launch-browser.mjs';
import { median, now, percentile } from './measure.mjs';
import { createInputs } from './optimistic/inputs.mjs';
import { FIELDS, fields } from './optimistic/stores.mjs';
import { collectingLogger, withTimeout } from './shared-app/common.mjs';
import { bundle, checkPage, openPage, PAGE_HTML, serve } from './shared-app/harness.mjs';
import { startWorker } from './shared-app/node-host.mjs';

// The packages as their users ship them (no frozen mirrors, mutative's production build), as in
// the shared-app benches. Set before the worker starts, which inherits it.
process.env.NODE_ENV = 'production';

export const title =
  'optimistic actions: input → shown in the calling window (node worker_threads, Chromium SharedWorker; wall time)';

const PLAN = {
  node: { warmup: 300, rounds: 10, perRound: 150 },
  chromium: { warmup: 200, rounds: 8, perRound: 100 },
};
const SUBJECTS = ['optimistic', 'plain', 'raw'];

const toUs = (ms) => ms * 1000;
const summarize = (rounds) => ({
  p50: toUs(median(rounds.flat())),
  p99: toUs(median(rounds.map((series) => percentile(series, 99)))),
});

/** Warm-up, then rounds of every subject, order reversed every other round. */
async function rounds({ warmup, rounds: count, perRound }, measure) {
  for (const subject of SUBJECTS) await measure(subject, warmup);
  const samples = Object.fromEntries(SUBJECTS.map((s) => [s, { shown: [], settled: [] }]));
  for (let round = 0; round < count; round++) {
    for (const subject of round % 2 ? [...SUBJECTS].reverse() : SUBJECTS) {
      const { shown, settled } = await measure(subject, perRound);
      samples[subject].shown.push(shown);
      samples[subject].settled.push(settled);
    }
  }
  return samples;
}

function reportAll(report, where, samples) {
  const baseline = summarize(samples.raw.shown);
  for (const [subject, label] of [
    ['optimistic', 'listed in optimistic'],
    ['plain', 'not optimistic'],
  ]) {
    const shown = summarize(samples[subject].shown);
    report({
      name: `${where}, ${FIELDS} fields: input → shown in the calling window, ${label}`,
      value: shown.p50,
      unit: 'µs',
      p99: shown.p99,
      baseline: {
        name: 'raw postMessage round trip',
        value: baseline.p50,
        unit: 'µs',
        p99: baseline.p99,
      },
      extra: {
        spawnResolvedUs: summarize(samples[subject].settled),
        samples: samples[subject].shown.flat().map(toUs),
        baselineSamples: samples.raw.shown.flat().map(toUs),
      },
    });
  }
  const optimistic = summarize(samples.optimistic.settled);
  const plain = summarize(samples.plain.settled);
  report({
    name: `${where}, ${FIELDS} fields: input → confirmed (spawn resolves), listed in optimistic`,
    value: optimistic.p50,
    unit: 'µs',
    p99: optimistic.p99,
    baseline: { name: 'the same, not optimistic', value: plain.p50, unit: 'µs', p99: plain.p99 },
  });
}

async function runNode(report) {
  const problems = [];
  const authority = await startWorker(new URL('./optimistic/worker.mjs', import.meta.url), {});
  const logger = collectingLogger(problems);
  const app = createSharedApp({
    stores: [fields],
    share: {
      name: 'optimistic-bench',
      port: 'client',
      type: 'SharedWorker',
      transport: createMessagePortTransport(authority.link('connect'), { logger }),
    },
    logger,
    onError: ({ phase, error }) => problems.push(`${phase}: ${error.message}`),
  });
  const raw = authority.link('raw');
  try {
    await withTimeout(app.ready, 30_000, 'the client joining');
    const inputs = createInputs({
      handle: app.store(fields),
      spawn,
      clock: now,
      post: (message) => raw.postMessage(message),
      onAnswer: (listener) => raw.on('message', listener),
    });
    reportAll(report, 'node', await rounds(PLAN.node, inputs.measure));
  } finally {
    await app.dispose();
    raw.close();
    await authority.stop();
  }
  if (problems.length) throw new Error(`in the client: ${problems.join('; ')}`);
}

async function runChromium(report) {
  const [page, worker, echo] = await Promise.all([
    bundle(new URL('./optimistic/page.mjs', import.meta.url)),
    bundle(new URL('./optimistic/browser-worker.mjs', import.meta.url)),
    bundle(new URL('./optimistic/echo-worker.mjs', import.meta.url)),
  ]);
  const server = await serve({
    '/': PAGE_HTML,
    '/page.js': page,
    '/app-worker.js': worker,
    '/echo-worker.js': echo,
  });
  const browser = await launchBrowser();
  const errors = [];
  try {
    const context = await browser.newContext();
    const tab = await openPage(context, server.url, errors);
    await tab.evaluate(() => window.sharedBench.start());
    const samples = await rounds(PLAN.chromium, (subject, count) =>
      tab.evaluate(([who, n]) => window.sharedBench.measure(who, n), [subject, count]),
    );
    await checkPage(tab, errors);
    reportAll(report, 'chromium', samples);
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function run({ report }) {
  await runNode(report);
  await runChromium(report);
}
