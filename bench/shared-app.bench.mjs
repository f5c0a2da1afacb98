// @statesync/shared, the shared-app runtime, on the seed's two tables: the time for one action
// on one field to reach every client's mirror ("modules × states → cost of one state update"),
// and the time for a new client to hold the whole state ("full-state sync"). In node (the
// authority in a worker_threads Worker, the clients on the main thread, MessageChannel ports)
// and in headless Chromium (the authority in a real SharedWorker). Every figure is compared
// with raw postMessage doing the same job, measured in the same run.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchBrowser } from '../e2e/harness/launch-browser.mjs';
import { median, now, percentile } from './measure.mjs';
import { setUpJoins, setUpUpdates } from './shared-app/node.mjs';

export const title =
  'shared app: one action → every mirror, a new client → whole state (node worker_threads, Chromium SharedWorker; wall time)';

/** Clients that must all show an update (the caller is the first of them). */
const CLIENTS = 3;
/** The seed's "modules × states" rows: stores × fields per store. */
const UPDATE_SHAPES = [
  { stores: 100, fields: 20 },
  { stores: 200, fields: 30 },
  { stores: 300, fields: 100 },
];
/** The seed's full-state rows: stores × items per store. */
const FULL_SHAPES = [
  { stores: 30, items: 1_000 },
  { stores: 30, items: 10_000 },
  { stores: 1_000, items: 1_000 },
];
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
const GOAL_UPDATE_US = 100; // ≤ 0.1 ms in node at 300×100
const GOAL_FLAT = 1.25; // "flat": within the ±25% run-to-run noise of the smallest shape
const GOAL_FULL = 1.2; // ≤ 1.2× a raw postMessage of the same object

const shapeName = ({ stores, fields, items }) => `${stores}×${fields ?? items}`;
const toUs = (ms) => ms * 1000;
/** JSON bytes of each full-state shape, measured in node, for the names of the lines. */
const fullBytes = new Map();
const alternate = (list, round) => (round % 2 ? [...list].reverse() : list);

/** In µs: the median of all samples and the median over the rounds of each round's p99. */
const summarize = (rounds) => ({
  p50: toUs(median(rounds.flat())),
  p99: toUs(median(rounds.map((series) => percentile(series, 99)))),
});

/**
 * Runs the update rounds over every shape at once. `measure(shape, subject, count)` resolves
 * with `{ mirrors, calls }` (ms per update).
 */
async function updateRounds(shapes, plan, measure) {
  const samples = new Map(
    shapes.map((s) => [s, { statesync: [], raw: [], calls: [], cpu: { statesync: [], raw: [] } }]),
  );
  const subjects = ['statesync', 'raw'];
  for (const shape of shapes) {
    for (const subject of subjects) await measure(shape, subject, plan.warmup);
  }
  for (let round = 0; round < plan.rounds; round++) {
    for (const shape of alternate(shapes, round)) {
      for (const subject of alternate(subjects, round)) {
        const { mirrors, calls, cpuMsPerUpdate } = await measure(shape, subject, plan.perRound);
        samples.get(shape)[subject].push(mirrors);
        if (calls.length) samples.get(shape).calls.push(calls);
        if (cpuMsPerUpdate !== undefined) samples.get(shape).cpu[subject].push(cpuMsPerUpdate);
      }
    }
  }
  return samples;
}

function reportUpdates(report, where, shapes, samples, withValueGoal) {
  const smallest = summarize(samples.get(shapes[0]).statesync);
  const smallestRaw = summarize(samples.get(shapes[0]).raw);
  for (const shape of shapes) {
    const { statesync, raw, calls, cpu } = samples.get(shape);
    const subject = summarize(statesync);
    const baseline = summarize(raw);
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
      ...(withValueGoal && isLargest ? { goal: { max: GOAL_UPDATE_US, of: 'value' } } : {}),
      extra: {
        spawnResolvedUs: summarize(calls),
        // node only: CPU µs per update of the whole process (authority and client threads).
        ...(cpu.statesync.length
          ? {
              cpuUsPerUpdate: toUs(median(cpu.statesync)),
              baselineCpuUsPerUpdate: toUs(median(cpu.raw)),
            }
          : {}),
        samples: statesync.flat().map(toUs),
        baselineSamples: raw.flat().map(toUs),
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

/** Alternating joins of both subjects; resolves with ms per measured join. */
async function joinRounds([warmup, count], join) {
  const samples = { statesync: [], raw: [] };
  for (let i = 0; i < warmup + count; i++) {
    for (const subject of alternate(['statesync', 'raw'], i)) {
      const ms = await join(subject);
      if (i >= warmup) samples[subject].push(ms);
    }
  }
  return samples;
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
    const samples = await updateRounds(UPDATE_SHAPES, UPDATES.node, (shape, subject, count) =>
      runs.get(shape).measure(subject, count),
    );
    reportUpdates(report, 'node', UPDATE_SHAPES, samples, true);
  } finally {
    for (const run of runs.values()) await run.close();
  }
  for (const shape of FULL_SHAPES) {
    const joins = await setUpJoins(shape);
    try {
      const samples = await joinRounds(JOINS.node[shapeName(shape)], joins.join);
      fullBytes.set(shapeName(shape), joins.bytes());
      reportJoin(report, 'node', shape, samples, joins.bytes());
    } finally {
      await joins.close();
    }
  }
}

// ---- Chromium ----

const bundle = (entry) =>
  build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  }).then((result) => result.outputFiles[0].text);

/**
 * Serves the page and the two worker scripts on 127.0.0.1, cross-origin isolated (COOP + COEP),
 * so that performance.now() has 5 µs resolution instead of 100 µs.
 */
async function serve(files) {
  const server = createServer((request, response) => {
    const headers = {
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
    };
    const path = new URL(request.url, 'http://localhost').pathname;
    const body = files[path];
    if (body === undefined) {
      response.writeHead(404, headers);
      response.end();
      return;
    }
    const type = path.endsWith('.js') ? 'text/javascript' : 'text/html';
    response.writeHead(200, { ...headers, 'content-type': `${type}; charset=utf-8` });
    response.end(body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

async function openPage(context, url, errors) {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.stack ?? String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForFunction(() => window.sharedBench !== undefined, undefined, {
    timeout: 10_000,
  });
  if (!(await page.evaluate(() => window.sharedBench.isolated()))) {
    throw new Error('the bench page is not cross-origin isolated: timer resolution is 100 µs');
  }
  return page;
}

async function checkPage(page, errors) {
  const problems = await page.evaluate(() => window.sharedBench.problems());
  if (problems.length || errors.length) {
    throw new Error(`problems in the bench page:\n${[...problems, ...errors].join('\n')}`);
  }
}

async function runChromium(report, started) {
  const [page, worker, raw] = await Promise.all([
    bundle('./shared-app/page.mjs'),
    bundle('./shared-app/browser-worker.mjs'),
    bundle('./shared-app/raw-worker.mjs'),
  ]);
  const server = await serve({
    '/':
      '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">' +
      '<script type="module" src="/page.js"></script>',
    '/page.js': page,
    '/app-worker.js': worker,
    '/raw-worker.js': raw,
  });
  // gc() in the page, to start every full-state join from a collected heap (as in node).
  const browser = await launchBrowser({ args: ['--js-flags=--expose-gc'] });
  const errors = [];
  try {
    const context = await browser.newContext();
    // Updates: every shape's clients in one page, the authorities in SharedWorkers.
    const tab = await openPage(context, server.url, errors);
    const app = (shape) => `update-${shapeName(shape).replace('×', 'x')}`;
    for (const shape of UPDATE_SHAPES) {
      await tab.evaluate((options) => window.sharedBench.setUpUpdates(options), {
        app: app(shape),
        ...shape,
        clients: CLIENTS,
      });
    }
    const samples = await updateRounds(UPDATE_SHAPES, UPDATES.chromium, (shape, subject, count) =>
      tab.evaluate(
        ([name, who, n]) => window.sharedBench.measureUpdates(name, who, n),
        [app(shape), subject, count],
      ),
    );
    for (const shape of UPDATE_SHAPES) {
      await tab.evaluate((name) => window.sharedBench.closeUpdates(name), app(shape));
    }
    await checkPage(tab, errors);
    await tab.close();
    reportUpdates(report, 'chromium', UPDATE_SHAPES, samples, false);

    // Full state: a page of its own per shape, so its workers go away with it.
    for (const shape of FULL_SHAPES) {
      if (shapeName(shape) === OPTIONAL_FULL && now() - started > OPTIONAL_BEFORE_MS) {
        console.log(
          `  (chromium, full state ${OPTIONAL_FULL}: skipped, the file already ran ` +
            `${((now() - started) / 1000).toFixed(0)} s)`,
        );
        continue;
      }
      const joinTab = await openPage(context, server.url, errors);
      const options = { app: `full-${shapeName(shape).replace('×', 'x')}`, ...shape };
      const joins = await joinRounds(JOINS.chromium[shapeName(shape)], (subject) =>
        joinTab.evaluate(([who, o]) => window.sharedBench.join(who, o), [subject, options]),
      );
      await checkPage(joinTab, errors);
      await joinTab.close();
      reportJoin(report, 'chromium', shape, joins, fullBytes.get(shapeName(shape)));
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function run({ report }) {
  const started = now();
  await runNode(report);
  await runChromium(report, started);
}
