// Sampling and statistics shared by the bench files. Nothing here knows about statesync.
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Wall-clock milliseconds: for latencies and timeouts. */
export const now = () => performance.now();

/**
 * Milliseconds of CPU this process has used (user + system, all threads, so GC helpers count).
 * Totals are measured with it rather than the wall clock: a bench loop never waits for I/O, so
 * the two differ only by the time other processes held the CPU, which on a shared two-core
 * CI machine is noise.
 */
export function cpuTime() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Middle value; the mean of the two middle values for an even count. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile, `p` in 0..100. */
export function percentile(values, p) {
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const WORKER = fileURLToPath(new URL('./sample-worker.mjs', import.meta.url));
const WORKER_TIMEOUT_MS = 30_000;

/**
 * Times several variants of the same work against each other, each in a node process of its
 * own.
 *
 * `file` is the bench module's `import.meta.url`; it exports `variants`, an object of functions
 * `async (iterations, latencies) => elapsedMs` that set themselves up, run exactly `iterations`
 * operations and return the CPU milliseconds ({@link cpuTime}) the timed loop took. When
 * `latencies` (a Float64Array of length `iterations`) is given they also store each
 * operation's wall-clock milliseconds there. `variants` here maps result names to those keys.
 *
 * Why processes: variants sharing one process share its JIT feedback (the authority's code
 * sees one subscriber in one variant and none in the other) and its heap (the garbage of one
 * run is collected during the next), and both skew the other variant by up to 2×.
 *
 * Each of `processes` rounds (default 4) starts one process per variant, alternating the order
 * (A B, B A, A B, B A): on a shared machine the speed of a core drifts with what runs next to
 * it (hyperthreads, caches), and spreading each variant over time evens that out. A process makes `warmup` untimed runs, so the JIT and the young
 * generation reach their steady state, then its share of `samples` timed runs and of
 * `latencySamples` latency runs (kept apart so the clock reads do not inflate ns/op). No GC is
 * forced between runs: that shrinks the young generation, and the next run then pays for far
 * more scavenges than steady use would.
 *
 * @returns per result name: median ns/op over the timed runs, each run's ns/op, and the median
 *   over the latency runs of their p99 latency in ns (undefined without latency runs)
 */
export async function compare(options) {
  const { file, variants, iterations, samples, warmup = 1, latencySamples = 0 } = options;
  const processes = options.processes ?? 4;
  const names = Object.keys(variants);
  const results = {};
  for (const name of names) results[name] = { samples: [], p99s: [] };
  for (let round = 0; round < processes; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const part = await runWorker({
        file,
        variant: variants[name],
        iterations,
        warmup,
        samples: Math.ceil(samples / processes),
        latencySamples: Math.ceil(latencySamples / processes),
      });
      results[name].samples.push(...part.samples);
      results[name].p99s.push(...part.p99s);
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const { samples: perOp, p99s } = results[name];
      return [
        name,
        {
          nsPerOp: median(perOp),
          samples: perOp,
          p99Ns: p99s.length ? median(p99s) : undefined,
        },
      ];
    }),
  );
}

/** Runs `plan` in a fresh sample-worker process; rejects if it fails or outlives its timeout. */
function runWorker(plan) {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let reply;
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_TIMEOUT_MS);
    child.on('message', (message) => {
      reply = message;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (reply?.error) reject(new Error(`${plan.variant}: ${reply.error}`));
      else if (code === 0 && reply) resolve(reply);
      else reject(new Error(`${plan.variant}: sample worker exited with ${code ?? signal}`));
    });
    child.send(plan);
  });
}

/**
 * Resolves once `done()` is true, checking after every change of `store` (a `Subscribable`).
 * Rejects after `timeoutMs`, so a bench that never converges ends instead of hanging.
 */
export function waitUntil(store, done, timeoutMs) {
  return new Promise((resolve, reject) => {
    if (done()) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`did not converge within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = store.subscribe(() => {
      if (!done()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}
