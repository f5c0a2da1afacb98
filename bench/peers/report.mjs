// Reporting for the peers' shared-app bench files (shared-app-peers*.bench.mjs): one line per
// library, shape and workload, each against the raw postMessage baseline of the same run. Needs
// none of the peers installed, so the bench files can tell when they are not.
import { createRequire } from 'node:module';
import { median } from '../measure.mjs';
import { CLIENTS, shapeName, summarize, toUs } from '../shared-app/harness.mjs';

/** The libraries compared, in the order of the lines, each with its version installed. */
export const PEERS = ['reactant-share', 'coaction'];

const require = createRequire(new URL('./package.json', import.meta.url));

/**
 * The installed versions (`{ 'reactant-share': '0.111.0', ... }`), or undefined when
 * bench/peers/node_modules lacks one (`node scripts/ensure-deps.mjs --bench-peers` installs them).
 */
export function installedPeers() {
  try {
    return Object.fromEntries(PEERS.map((name) => [name, require(`${name}/package.json`).version]));
  } catch {
    return undefined;
  }
}

export const NOT_INSTALLED =
  '  (reactant-share and coaction are not installed in bench/peers: ' +
  '`node scripts/ensure-deps.mjs --bench-peers` installs them; `npm run bench` does)';

/**
 * One line per library and update shape, against the raw round; and, for the larger shapes,
 * how the library's median grew from the smallest one (no goal: for comparison with statesync's
 * "flat in state size" lines).
 */
export function reportPeerUpdates(report, where, shapes, samples, versions) {
  for (const peer of PEERS) {
    const smallest = summarize(samples.get(shapes[0])[peer].mirrors);
    const smallestRaw = summarize(samples.get(shapes[0]).raw.mirrors);
    for (const shape of shapes) {
      const { [peer]: subject, raw } = samples.get(shape);
      const value = summarize(subject.mirrors);
      const baseline = summarize(raw.mirrors);
      const states = (shape.stores * shape.fields).toLocaleString('en-US');
      report({
        name: `${where}, ${peer}, ${shapeName(shape)} (${states} states): one action → ${CLIENTS} mirrors`,
        value: value.p50,
        unit: 'µs',
        p99: value.p99,
        baseline: {
          name: 'raw postMessage round',
          value: baseline.p50,
          unit: 'µs',
          p99: baseline.p99,
        },
        extra: {
          version: versions[peer],
          // The time until the caller's own promise (delegate() / the proxied method) resolved.
          callResolvedUs: summarize(subject.calls),
          // node only: CPU µs per update of the whole process (authority and client threads).
          ...(subject.cpu.length
            ? {
                cpuUsPerUpdate: toUs(median(subject.cpu)),
                baselineCpuUsPerUpdate: toUs(median(raw.cpu)),
              }
            : {}),
          samples: subject.mirrors.flat().map(toUs),
          baselineSamples: raw.mirrors.flat().map(toUs),
        },
      });
      if (shape === shapes[0]) continue;
      report({
        name: `${where}, ${peer}, ${shapeName(shape)} vs ${shapeName(shapes[0])}: growth with state size`,
        value: value.p50,
        unit: 'µs',
        p99: value.p99,
        baseline: {
          name: `${peer} at ${shapeName(shapes[0])}`,
          value: smallest.p50,
          unit: 'µs',
          p99: smallest.p99,
        },
        extra: { rawRatio: baseline.p50 / smallestRaw.p50 },
      });
    }
  }
}

/** One line per library for a full-state shape, against the raw message of an equal object. */
export function reportPeerJoins(report, where, shape, samples, bytes, versions) {
  const mb = bytes === undefined ? '' : `, ${(bytes / 1e6).toFixed(1)} MB`;
  for (const peer of PEERS) {
    report({
      name: `${where}, ${peer}, full state ${shapeName(shape)} items${mb}: new client has it`,
      value: toUs(median(samples[peer])),
      unit: 'µs',
      baseline: {
        name: 'raw postMessage of an equal object',
        value: toUs(median(samples.raw)),
        unit: 'µs',
      },
      extra: {
        version: versions[peer],
        jsonBytes: bytes,
        samples: samples[peer].map(toUs),
        baselineSamples: samples.raw.map(toUs),
      },
    });
  }
}
