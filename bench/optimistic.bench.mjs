// @statesync/shared's optimistic actions: the time from an input (a call of an action) until the
// calling window shows its change, with the action listed in `optimistic` and without. The
// authority runs in a worker_threads Worker, the client on the main thread, over a
// MessageChannel; the baseline is a raw postMessage round trip to the same worker, measured in
// the same run, alternating with both subjects round by round.
import { createMessagePortTransport } from '@statesync/core';
import { createSharedApp, spawn } from '@statesync/shared';
import { median, now, percentile } from './measure.mjs';
import { FIELDS, fields } from './optimistic/stores.mjs';
import { collectingLogger, withTimeout } from './shared-app/common.mjs';
import { startWorker, UPDATE_TIMEOUT_MS } from './shared-app/node-host.mjs';

export const title =
  'optimistic actions: input → shown in the calling window (node worker_threads; wall time)';

const WARMUP = 300;
const ROUNDS = 10;
const PER_ROUND = 150;
const SUBJECTS = ['optimistic', 'plain', 'raw'];

const toUs = (ms) => ms * 1000;
const summarize = (rounds) => ({
  p50: toUs(median(rounds.flat())),
  p99: toUs(median(rounds.map((series) => percentile(series, 99)))),
});

export async function run({ report }) {
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
    const handle = app.store(fields);
    /** The change the calling window waits for, and when it showed it. */
    let armed;
    handle.subscribe((state) => {
      if (armed && armed.shownAt === undefined && state[armed.field] === armed.value) {
        armed.shownAt = now();
      }
    });
    let value = 0;
    const next = () => {
      value++;
      return { field: `f${value % FIELDS}`, value };
    };
    const input = async (action) => {
      const target = next();
      armed = target;
      const t0 = now();
      const call = spawn(handle, action, [target.field, target.value]);
      await withTimeout(call, UPDATE_TIMEOUT_MS, `${action} settling`);
      const settledAt = now();
      if (target.shownAt === undefined) throw new Error(`${action}: the change was never shown`);
      armed = undefined;
      return { shown: target.shownAt - t0, settled: settledAt - t0 };
    };
    let answer;
    raw.on('message', (data) => answer?.(data));
    const rawRound = () => {
      const target = next();
      const t0 = now();
      const back = new Promise((resolve) => {
        answer = resolve;
      });
      raw.postMessage(target);
      return withTimeout(back, UPDATE_TIMEOUT_MS, 'raw round trip').then(() => {
        const ms = now() - t0;
        return { shown: ms, settled: ms };
      });
    };
    const once = { optimistic: () => input('set'), plain: () => input('setPlain'), raw: rawRound };

    for (const subject of SUBJECTS) for (let i = 0; i < WARMUP; i++) await once[subject]();
    const samples = Object.fromEntries(SUBJECTS.map((s) => [s, { shown: [], settled: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...SUBJECTS].reverse() : SUBJECTS;
      for (const subject of order) {
        const shown = [];
        const settled = [];
        for (let i = 0; i < PER_ROUND; i++) {
          const sample = await once[subject]();
          shown.push(sample.shown);
          settled.push(sample.settled);
        }
        samples[subject].shown.push(shown);
        samples[subject].settled.push(settled);
      }
    }
    const baseline = summarize(samples.raw.shown);
    for (const [subject, label] of [
      ['optimistic', 'listed in optimistic'],
      ['plain', 'not optimistic'],
    ]) {
      const shown = summarize(samples[subject].shown);
      report({
        name: `node, ${FIELDS} fields: input → shown in the calling window, ${label}`,
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
    const optimisticSettled = summarize(samples.optimistic.settled);
    const plainSettled = summarize(samples.plain.settled);
    report({
      name: `node, ${FIELDS} fields: input → confirmed (spawn resolves), listed in optimistic`,
      value: optimisticSettled.p50,
      unit: 'µs',
      p99: optimisticSettled.p99,
      baseline: {
        name: 'the same, not optimistic',
        value: plainSettled.p50,
        unit: 'µs',
        p99: plainSettled.p99,
      },
    });
  } finally {
    await app.dispose();
    raw.close();
    await authority.stop();
  }
  if (problems.length) throw new Error(`in the client: ${problems.join('; ')}`);
}
