// Sampling and statistics shared by the bench files. Nothing here knows about statesync.
import { performance } from 'node:perf_hooks';

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

/**
 * Times several variants of the same work against each other.
 *
 * A variant is `async (iterations, latencies) => elapsedMs`: it sets itself up, runs exactly
 * `iterations` operations, and returns the CPU milliseconds ({@link cpuTime}) its timed loop
 * took. When `latencies` (a Float64Array of length `iterations`) is given it also stores each
 * operation's wall-clock milliseconds there.
 *
 * Order of runs:
 * 1. `warmup` untimed runs of every variant, so the JIT and the young generation reach their
 *    steady state.
 * 2. Two blocks per variant, in the order A B B A: one untimed run, then half of `samples`
 *    timed runs. Samples come in blocks rather than alternating A B A B because a run leaves
 *    garbage behind, and the run after it pays to collect it; within a block that is the same
 *    variant, and the untimed run absorbs whatever the other variant left. The mirrored order
 *    evens out drift over time. (There is no forced GC between runs: it shrinks the young
 *    generation, and the next run then pays for far more scavenges than steady use would.)
 * 3. Per variant, one untimed run and `latencySamples` runs recording per-operation latency,
 *    kept apart so the clock reads do not inflate ns/op.
 *
 * @returns per variant: median ns/op over the timed runs, each run's ns/op, and the median
 *   over the latency runs of their p99 latency in ns (undefined without latency runs)
 */
export async function compare({ variants, iterations, samples, warmup = 1, latencySamples = 0 }) {
  const names = Object.keys(variants);
  const results = {};
  for (const name of names) results[name] = { samples: [], p99s: [] };
  for (let round = 0; round < warmup; round++) {
    for (const name of names) await variants[name](iterations);
  }
  for (const name of [...names, ...[...names].reverse()]) {
    await variants[name](iterations);
    for (let run = 0; run < Math.ceil(samples / 2); run++) {
      const ms = await variants[name](iterations);
      results[name].samples.push((ms * 1e6) / iterations);
    }
  }
  if (latencySamples > 0) {
    for (const name of names) {
      await variants[name](iterations);
      for (let run = 0; run < latencySamples; run++) {
        const latencies = new Float64Array(iterations);
        await variants[name](iterations, latencies);
        results[name].p99s.push(percentile(latencies, 99) * 1e6);
      }
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
