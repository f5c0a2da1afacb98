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
 * Median of the per-round quotients `subject[i] / baseline[i]`. Each round ran both sides back
 * to back, so a load spike from another process mostly cancels out within a round.
 */
export function pairedRatio(subject, baseline) {
  return median(subject.map((value, i) => value / baseline[i]));
}

/**
 * Idles the event loop briefly so V8 can finish concurrent marking and sweeping of the previous
 * sample's garbage; otherwise that work lands in (and is charged to) whatever sample runs next.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
const SETTLE_MS = 25;

/**
 * Times several variants of the same work against each other.
 *
 * A variant is `async (iterations, latencies) => elapsedMs`: it sets itself up, runs exactly
 * `iterations` operations, and returns the CPU milliseconds ({@link cpuTime}) its timed loop
 * took. When `latencies` (a Float64Array of length `iterations`) is given it also stores each
 * operation's wall-clock milliseconds.
 *
 * Every variant first runs `warmup` untimed times, which also lets V8 grow the young generation
 * to its steady size. (No forced GC between samples: a full collection shrinks the young
 * generation again, and the next sample then pays for many more scavenges than real use would.) Then `samples` rounds run each variant once,
 * alternating the order every round so neither side always runs on a warmer heap. Finally
 * `latencySamples` rounds record per-operation latencies, kept apart so the clock reads do not
 * inflate ns/op.
 *
 * @returns per variant: median ns/op, all samples' ns/op, and the median p99 latency in ns
 *   (undefined without latency samples)
 */
export async function compare({ variants, iterations, samples, warmup = 1, latencySamples = 0 }) {
  const names = Object.keys(variants);
  const perOp = Object.fromEntries(names.map((name) => [name, []]));
  const p99s = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < warmup; round++) {
    for (const name of names) await variants[name](iterations);
  }
  for (let round = 0; round < samples + latencySamples; round++) {
    const order = round % 2 ? [...names].reverse() : names;
    const timed = round < samples;
    for (const name of order) {
      await settle();
      if (timed) {
        const ms = await variants[name](iterations);
        perOp[name].push((ms * 1e6) / iterations);
      } else {
        const latencies = new Float64Array(iterations);
        await variants[name](iterations, latencies);
        p99s[name].push(percentile(latencies, 99) * 1e6);
      }
    }
  }
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        nsPerOp: median(perOp[name]),
        samples: perOp[name],
        p99Ns: latencySamples > 0 ? median(p99s[name]) : undefined,
      },
    ]),
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
