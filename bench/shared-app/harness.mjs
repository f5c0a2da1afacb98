// What the shared-app bench files share: the seed's shapes, the rounds in which subjects take
// turns, the statistics, and the Chromium plumbing (esbuild bundles, a cross-origin isolated
// server on 127.0.0.1, the bench page). shared-app.bench.mjs runs statesync against raw
// postMessage with it, shared-app-peers*.bench.mjs reactant-share and coaction.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchBrowser } from '../../e2e/harness/launch-browser.mjs';
import { median, now, percentile } from '../measure.mjs';

/** Clients that must all show an update (the caller is the first of them). */
export const CLIENTS = 3;
/** The seed's "modules × states" rows: stores × fields per store. */
export const UPDATE_SHAPES = [
  { stores: 100, fields: 20 },
  { stores: 200, fields: 30 },
  { stores: 300, fields: 100 },
];
/** The seed's full-state rows: stores × items per store. */
export const FULL_SHAPES = [
  { stores: 30, items: 1_000 },
  { stores: 30, items: 10_000 },
  { stores: 1_000, items: 1_000 },
];

export const shapeName = ({ stores, fields, items }) => `${stores}×${fields ?? items}`;
export const toUs = (ms) => ms * 1000;
export const alternate = (list, round) => (round % 2 ? [...list].reverse() : list);

/** In µs: the median of all samples and the median over the rounds of each round's p99. */
export const summarize = (rounds) => ({
  p50: toUs(median(rounds.flat())),
  p99: toUs(median(rounds.map((series) => percentile(series, 99)))),
});

/**
 * Runs the update rounds over every shape at once: per shape and subject, `plan.warmup`
 * unmeasured updates, then `plan.rounds` rounds of `plan.perRound`, shapes and subjects taking
 * turns round by round (order reversed every other round), so that a slower stretch of the
 * machine hits them all alike. `measure(shape, subject, count)` resolves with `{ mirrors,
 * calls, cpuMsPerUpdate? }` (ms per update). Returns per shape and subject the rounds of
 * `mirrors` and of `calls` (the caller's promise; none for raw) and the CPU ms per update.
 */
export async function updateRounds(shapes, subjects, plan, measure) {
  const samples = new Map(
    shapes.map((shape) => [
      shape,
      Object.fromEntries(subjects.map((s) => [s, { mirrors: [], calls: [], cpu: [] }])),
    ]),
  );
  for (const shape of shapes) {
    for (const subject of subjects) await measure(shape, subject, plan.warmup);
  }
  for (let round = 0; round < plan.rounds; round++) {
    for (const shape of alternate(shapes, round)) {
      for (const subject of alternate(subjects, round)) {
        const { mirrors, calls, cpuMsPerUpdate } = await measure(shape, subject, plan.perRound);
        const into = samples.get(shape)[subject];
        into.mirrors.push(mirrors);
        if (calls.length) into.calls.push(calls);
        if (cpuMsPerUpdate !== undefined) into.cpu.push(cpuMsPerUpdate);
      }
    }
  }
  return samples;
}

/**
 * Alternating joins of every subject: `warmup` unmeasured, then `count` measured each, the
 * order reversed every other time; resolves with ms per measured join, per subject.
 */
export async function joinRounds(subjects, [warmup, count], join) {
  const samples = Object.fromEntries(subjects.map((subject) => [subject, []]));
  for (let i = 0; i < warmup + count; i++) {
    for (const subject of alternate(subjects, i)) {
      const ms = await join(subject);
      if (i >= warmup) samples[subject].push(ms);
    }
  }
  return samples;
}

// ---- Chromium ----

/**
 * Bundles `entry` (a file URL) for the browser, in memory, as production code. Bare imports
 * resolve from the entry's own folder up, so a bench/peers/ entry gets the peers' node_modules.
 * `format: 'iife'` makes a classic script, for a worker started without `type: 'module'`.
 */
export const bundle = (entry, { format = 'esm' } = {}) =>
  build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  }).then((result) => result.outputFiles[0].text);

/**
 * Serves `files` (path → body) on 127.0.0.1, cross-origin isolated (COOP + COEP), so that
 * performance.now() has 5 µs resolution instead of 100 µs.
 */
export async function serve(files) {
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

/** The page that loads `/page.js` as a module. */
export const PAGE_HTML =
  '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">' +
  '<script type="module" src="/page.js"></script>';

/** Opens the bench page; resolves once `window.sharedBench` is there and isolated. */
export async function openPage(context, url, errors) {
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

/** Fails on anything the page or its workers reported. */
export async function checkPage(page, errors) {
  const problems = await page.evaluate(() => window.sharedBench.problems());
  if (problems.length || errors.length) {
    throw new Error(`problems in the bench page:\n${[...problems, ...errors].join('\n')}`);
  }
}

/**
 * Runs both workloads in headless Chromium: `files` (path → body, with `/page.js`) are served,
 * every update shape's clients are set up in one page (the authorities in SharedWorkers) and
 * measured by `updateRounds`, then each full-state shape gets a page of its own (so its workers
 * go away with it) and `joinRounds`. The page exposes `window.sharedBench` (see
 * shared-app/page.mjs). `optional` names a full-state shape that runs only while the file has
 * used less than `optional.beforeMs` since `started`. `onUpdates(samples)` and
 * `onJoins(shape, samples)` report.
 */
export async function runChromium({
  files,
  subjects,
  plan,
  started,
  optional,
  onUpdates,
  onJoins,
}) {
  const server = await serve({ '/': PAGE_HTML, ...files });
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
    const samples = await updateRounds(
      UPDATE_SHAPES,
      subjects,
      plan.updates,
      (shape, subject, count) =>
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
    onUpdates(samples);

    // Full state: a page of its own per shape, so its workers go away with it.
    for (const shape of FULL_SHAPES) {
      const name = shapeName(shape);
      if (name === optional?.shape && now() - started > optional.beforeMs) {
        console.log(
          `  (chromium, full state ${name}: skipped, the file already ran ` +
            `${((now() - started) / 1000).toFixed(0)} s)`,
        );
        continue;
      }
      const joinTab = await openPage(context, server.url, errors);
      const options = { app: `full-${name.replace('×', 'x')}`, ...shape };
      const joins = await joinRounds(subjects, plan.joins[name], (subject) =>
        joinTab.evaluate(([who, o]) => window.sharedBench.join(who, o), [subject, options]),
      );
      await checkPage(joinTab, errors);
      await joinTab.close();
      onJoins(shape, joins);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
