// Cross-tab propagation latency in headless Chromium: a change in tab A until it is applied in
// tab B, for @statesync/persistence's cross-tab sync, the broadcast-channel package and
// pinia-shared-state, against a raw BroadcastChannel message measured in the same run.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchBrowser } from '../e2e/harness/launch-browser.mjs';
import { median, percentile } from './measure.mjs';

export const title = 'cross-tab propagation, tab A → tab B in headless Chromium (wall time)';

/**
 * Per subject: 100 + 10 × 10 warm-up changes and 10 × 100 measured ones. Short rounds spread
 * every subject over the whole run, so a slower stretch of the machine hits them all alike.
 */
const ROUNDS = 10;
const FIRST_WARMUP = 100;
const WARMUP_PER_ROUND = 10;
const COUNT_PER_ROUND = 100;
/** A change not acknowledged within this fails the bench instead of hanging it. */
const CHANGE_TIMEOUT_MS = 2_000;
const CLOCK_OFFSET_WARN_US = 50;

/** What runs, in this order (reversed every other round). */
const RUNS = [
  { id: 'raw', subject: 'raw', size: 'small' },
  { id: 'statesync-memory', subject: 'statesync-memory', size: 'small' },
  { id: 'statesync-localStorage', subject: 'statesync-localStorage', size: 'small' },
  { id: 'broadcast-channel', subject: 'broadcast-channel', size: 'small' },
  { id: 'pinia-shared-state', subject: 'pinia-shared-state', size: 'small' },
  { id: 'raw-large', subject: 'raw', size: 'large' },
  { id: 'statesync-memory-large', subject: 'statesync-memory', size: 'large' },
];

/** What is reported: result name, its run, and the run it is compared with. */
const LINES = [
  { name: 'statesync persistence, memory backend', run: 'statesync-memory', baseline: 'raw' },
  {
    name: 'statesync persistence, localStorage backend',
    run: 'statesync-localStorage',
    baseline: 'raw',
  },
  { name: 'broadcast-channel (npm)', run: 'broadcast-channel', baseline: 'raw' },
  { name: 'pinia-shared-state', run: 'pinia-shared-state', baseline: 'raw' },
  {
    name: 'statesync persistence, memory backend, ~10 KB',
    run: 'statesync-memory-large',
    baseline: 'raw-large',
  },
];

const BASELINE_NAMES = {
  raw: 'raw BroadcastChannel',
  'raw-large': 'raw BroadcastChannel, ~10 KB',
};

/** The page code, bundled in memory with its dependencies (the built @statesync packages). */
async function bundlePage() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./cross-tab/page.mjs', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  });
  return result.outputFiles[0].text;
}

/**
 * Serves the page on 127.0.0.1. Cross-origin isolated (COOP + COEP), so that Chromium's
 * performance.now() has 5 µs resolution instead of 100 µs.
 */
async function servePage(script) {
  const html =
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">' +
    '<script type="module" src="/page.js"></script>';
  const server = createServer((request, response) => {
    const headers = {
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    };
    if (request.url === '/') {
      response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      response.end(html);
    } else if (request.url === '/page.js') {
      response.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' });
      response.end(script);
    } else {
      response.writeHead(404, headers);
      response.end();
    }
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

async function openTab(context, url, errors) {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.stack ?? String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForFunction(() => window.crossTab !== undefined, undefined, { timeout: 10_000 });
  return page;
}

/** One round of one run: tab B receives, tab A sends; resolves with A's measurements. */
async function measure(tabA, tabB, { subject, size }, round, warmup, count) {
  const channel = `cross-tab-bench-${subject}-${size}-${round}`;
  const key = subject === 'statesync-localStorage' ? channel : undefined;
  await tabB.evaluate((options) => window.crossTab.receive(options), { subject, channel, key });
  try {
    return await tabA.evaluate((options) => window.crossTab.send(options), {
      subject,
      channel,
      key,
      size,
      warmup,
      count,
      timeoutMs: CHANGE_TIMEOUT_MS,
    });
  } finally {
    await tabB.evaluate((options) => window.crossTab.stopReceiving(options), { key });
  }
}

const toUs = (ms) => ms * 1000;

/**
 * In µs, from one series (ms) per round: the median of all samples, and the median over the
 * rounds of each round's p99, so that one round disturbed by the rest of the machine (two cores
 * shared by node, the browser and two renderers) does not decide the p99 alone.
 */
const summary = (rounds) => ({
  p50: toUs(median(rounds.flat())),
  p99: toUs(median(rounds.map((series) => percentile(series, 99)))),
});

export async function run({ report }) {
  const server = await servePage(await bundlePage());
  const browser = await launchBrowser();
  const errors = [];
  /** Per run and series, one array of ms per measured round. */
  const samples = Object.fromEntries(
    RUNS.map(({ id }) => [id, { oneWay: [], ackWay: [], roundTrips: [] }]),
  );
  let payloadBytes;
  try {
    const context = await browser.newContext();
    const tabA = await openTab(context, server.url, errors);
    const tabB = await openTab(context, server.url, errors);
    if (!(await tabA.evaluate(() => window.crossTab.isolated()))) {
      throw new Error('the bench page is not cross-origin isolated: timer resolution is 100 µs');
    }
    payloadBytes = await tabA.evaluate(() => ({
      small: window.crossTab.payloadBytes('small'),
      large: window.crossTab.payloadBytes('large'),
    }));
    // Round 0 only warms up every subject (JIT in both tabs, a freshly started browser).
    for (let round = 0; round <= ROUNDS; round++) {
      for (const spec of round % 2 ? RUNS : [...RUNS].reverse()) {
        const [warmup, count] =
          round === 0 ? [FIRST_WARMUP, 0] : [WARMUP_PER_ROUND, COUNT_PER_ROUND];
        const part = await measure(tabA, tabB, spec, round, warmup, count).catch((error) => {
          throw new Error(`${spec.id}, round ${round}: ${error.message}`);
        });
        if (count === 0) continue;
        for (const series of ['oneWay', 'ackWay', 'roundTrips']) {
          samples[spec.id][series].push(part[series]);
        }
      }
    }
    if (errors.length) throw new Error(`errors in the bench pages:\n${errors.join('\n')}`);
  } finally {
    await browser.close();
    await server.close();
  }

  // The one-way times compare the clocks of two pages. Their sum with the ack's way back is the
  // round trip on tab A's clock alone, so an offset between the clocks shows as raw messages
  // taking longer one way than the other: half that difference is the offset, plus whatever
  // the two raw messages (settings there, a small ack back) really differ by.
  const raw = samples.raw;
  const clockOffsetUs = toUs((median(raw.oneWay.flat()) - median(raw.ackWay.flat())) / 2);
  if (Math.abs(clockOffsetUs) > CLOCK_OFFSET_WARN_US) {
    console.log(
      `  (the two tabs' clocks may differ by up to ${clockOffsetUs.toFixed(0)} µs: ` +
        'compare the round trips in bench/results/latest.json)',
    );
  }
  const stats = (id) => ({
    ...summary(samples[id].oneWay),
    roundTrip: summary(samples[id].roundTrips),
    ackWay: summary(samples[id].ackWay),
    oneWayUs: samples[id].oneWay.flat().map(toUs),
  });
  for (const line of LINES) {
    const subject = stats(line.run);
    const baseline = stats(line.baseline);
    report({
      name: line.name,
      value: subject.p50,
      unit: 'µs',
      p99: subject.p99,
      baseline: {
        name: BASELINE_NAMES[line.baseline],
        value: baseline.p50,
        unit: 'µs',
        p99: baseline.p99,
      },
      extra: {
        payloadBytes: payloadBytes[line.run.endsWith('-large') ? 'large' : 'small'],
        clockOffsetUs,
        roundTripUs: subject.roundTrip,
        ackWayUs: subject.ackWay,
        baselineRoundTripUs: baseline.roundTrip,
        baselineAckWayUs: baseline.ackWay,
        samples: subject.oneWayUs,
        baselineSamples: baseline.oneWayUs,
      },
    });
  }
}
