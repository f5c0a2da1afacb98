// Runs one variant of a bench in a process of its own and sends its samples to the parent.
// Started by `compare()` in measure.mjs; told what to run by the first IPC message:
// `{ file, variant, iterations, warmup, samples, latencySamples }`, where `file` is the bench
// module's URL and `variant` a key of its exported `variants` object.
import { percentile } from './measure.mjs';

process.once('message', async (plan) => {
  const { file, variant, iterations, warmup, samples, latencySamples } = plan;
  let reply;
  try {
    const fn = (await import(file)).variants?.[variant];
    if (typeof fn !== 'function') throw new Error(`${file} exports no variants.${variant}`);
    for (let run = 0; run < warmup; run++) await fn(iterations);
    const perOp = [];
    for (let run = 0; run < samples; run++) perOp.push(((await fn(iterations)) * 1e6) / iterations);
    const p99s = [];
    for (let run = 0; run < latencySamples; run++) {
      const latencies = new Float64Array(iterations);
      await fn(iterations, latencies);
      p99s.push(percentile(latencies, 99) * 1e6);
    }
    reply = { samples: perOp, p99s };
  } catch (error) {
    reply = { error: error?.stack ?? String(error) };
    process.exitCode = 1;
  }
  process.send(reply, () => process.disconnect());
});
