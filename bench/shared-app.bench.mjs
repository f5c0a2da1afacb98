// @statesync/shared, the shared-app runtime, on the seed's two tables: the time for one action
// on one field to reach every client's mirror ("modules × states → cost of one state update"),
// and the time for a new client to hold the whole state ("full-state sync"). In node (the
// authority in a worker_threads Worker, the clients on the main thread, MessageChannel ports)
// and in headless Chromium (the authority in a real SharedWorker). Every figure is compared
// with raw postMessage doing the same job, measured in the same run.
import { median, now } from './measure.mjs';
import {
  bundle,
  CLIENTS,
  FULL_SHAPES,
  joinRounds,
  runChromium,
  shapeName,
  summarize,
  toUs,
  UPDATE_SHAPES,
  updateRounds,
} from './shared-app/harness.mjs';
import { setUpJoins, setUpUpdates } from './shared-app/node.mjs';

export const title =
  'shared app: one action → every mirror, a new client → whole state (node worker_threads, Chromium SharedWorker; wall time)';

/**
 * Updates: per shape and subject, `warmup` unmeasured updates, then `rounds` rounds of
 * `perRound`, shapes and subjects taking turns round by round (order reversed every other
 * round), so that a slower stretch of the machine hits them all alike.
 */
const UPDATES = {
  node: { warmup: 300, rounds: 10, perRound: 150 },
  chromium: { warmup: 200, rounds: 8, perRound: 100 },
};
/** Full-state joins per shape and subject: unmeasured, then measured (alternating subjects). */
const JOINS = {
  node: { '30×1000': [3, 20], '30×10000': [1, 6], '1000×1000': [1, 4] },
  chromium: { '30×1000': [2, 15], '30×10000': [1, 5], '1000×1000': [1, 3] },
};
/**
 * The largest Chromium shape (about 20 s) runs only if the file has used less than this, so a
 * machine slowed down by other work still ends well within run.mjs's 120 s per file.
 */
const OPTIONAL_FULL = '1000×1000';
const OPTIONAL_BEFORE_MS = 70_000;

/** The goals. */
const GOAL_UPDATE = 2; // ≤ 2× the raw postMessage round at 300×100, node and Chromium
const GOAL_FLAT = 1.25; // "flat": within the ±25% run-to-run noise of the smallest shape
const GOAL_FULL = 0.6; // ≤ 0.6× a raw postMessage of the same object

/** JSON bytes of each full-state shape, measured in node, for the names of the lines. */
const fullBytes = new Map();
const SUBJECTS = ['statesync', 'raw'];

function reportUpdates(report, where, shapes, samples) {
  const smallest = summarize(samples.get(shapes[0]).statesync.mirrors);
  const smallestRaw = summarize(samples.get(shapes[0]).raw.mirrors);
  for (const shape of shapes) {
    const { statesync, raw } = samples.get(shape);
    const subject = summarize(statesync.mirrors);
    const baseline = summarize(raw.mirrors);
    const states = (shape.stores * shape.fields).toLocaleString('en-US');
    const isLargest = shape === shapes.at(-1);
    report({
      name: `${where}, ${shapeName(shape)} (${states} states): one action → ${CLIENTS} mirrors`,
      value: subject.p50,
      unit: 'µs',
      p99: subject.p99,
      baseline: {
        name: `raw postMessage round`,
        value: baseline.p50,
        unit: 'µs',
        p99: baseline.p99,
      },
      ...(isLargest ? { goal: { max: GOAL_UPDATE, of: 'ratio' } } : {}),
      extra: {
        spawnResolvedUs: summarize(statesync.calls),
        // node only: CPU µs per update of the whole process (authority and client threads).
        ...(statesync.cpu.length
          ? {
              cpuUsPerUpdate: toUs(median(statesync.cpu)),
              baselineCpuUsPerUpdate: toUs(median(raw.cpu)),
            }
          : {}),
        samples: statesync.mirrors.flat().map(toUs),
        baselineSamples: raw.mirrors.flat().map(toUs),
      },
    });
    if (shape === shapes[0]) continue;
    report({
      name: `${where}, ${shapeName(shape)} vs ${shapeName(shapes[0])}: flat in state size`,
      value: subject.p50,
      unit: 'µs',
      p99: subject.p99,
      baseline: {
        name: `statesync at ${shapeName(shapes[0])}`,
        value: smallest.p50,
        unit: 'µs',
        p99: smallest.p99,
      },
      goal: { max: GOAL_FLAT, of: 'ratio' },
      extra: { rawRatio: baseline.p50 / smallestRaw.p50 },
    });
  }
}

function reportJoin(report, where, shape, samples, bytes) {
  const mb = bytes === undefined ? '' : `, ${(bytes / 1e6).toFixed(1)} MB`;
  report({
    name: `${where}, full state ${shapeName(shape)} items${mb}: new client has it`,
    value: toUs(median(samples.statesync)),
    unit: 'µs',
    baseline: {
      name: 'raw postMessage of the same object',
      value: toUs(median(samples.raw)),
      unit: 'µs',
    },
    goal: { max: GOAL_FULL, of: 'ratio' },
    extra: {
      jsonBytes: bytes,
      samples: samples.statesync.map(toUs),
      baselineSamples: samples.raw.map(toUs),
    },
  });
}

async function runNode(report) {
  const runs = new Map();
  try {
    for (const shape of UPDATE_SHAPES) {
      runs.set(shape, await setUpUpdates({ ...shape, clients: CLIENTS }));
    }
    const samples = await updateRounds(
      UPDATE_SHAPES,
      SUBJECTS,
      UPDATES.node,
      (shape, subject, count) => runs.get(shape).measure(subject, count),
    );
    reportUpdates(report, 'node', UPDATE_SHAPES, samples);
  } finally {
    for (const run of runs.values()) await run.close();
  }
  for (const shape of FULL_SHAPES) {
    const joins = await setUpJoins(shape);
    try {
      const samples = await joinRounds(SUBJECTS, JOINS.node[shapeName(shape)], joins.join);
      fullBytes.set(shapeName(shape), joins.bytes());
      reportJoin(report, 'node', shape, samples, joins.bytes());
    } finally {
      await joins.close();
    }
  }
}

// ---- Chromium ----

async function runStatesyncChromium(report, started) {
  const [page, worker, raw] = await Promise.all([
    bundle(new URL('./shared-app/page.mjs', import.meta.url)),
    bundle(new URL('./shared-app/browser-worker.mjs', import.meta.url)),
    bundle(new URL('./shared-app/raw-worker.mjs', import.meta.url)),
  ]);
  await runChromium({
    files: { '/page.js': page, '/app-worker.js': worker, '/raw-worker.js': raw },
    subjects: SUBJECTS,
    plan: { updates: UPDATES.chromium, joins: JOINS.chromium },
    started,
    optional: { shape: OPTIONAL_FULL, beforeMs: OPTIONAL_BEFORE_MS },
    onUpdates: (samples) => reportUpdates(report, 'chromium', UPDATE_SHAPES, samples),
    onJoins: (shape, joins) =>
      reportJoin(report, 'chromium', shape, joins, fullBytes.get(shapeName(shape))),
  });
}

export async function run({ report }) {
  const started = now();
  await runNode(report);
  await runStatesyncChromium(report, started);
}
