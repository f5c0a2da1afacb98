// reactant-share and coaction, from npm, on the same two workloads as shared-app.bench.mjs, in
// headless Chromium: each library's authority in a real SharedWorker made the library's own way
// (reactant-share's `createSharedApp({ share: { type: 'SharedWorker', workerURL } })`,
// coaction's `create(slices, { worker })`), the clients in one page, against the raw postMessage
// baseline (shared-app/raw-worker.mjs) measured in this run. A file of its own, apart from
// shared-app-peers.bench.mjs (node), to stay within run.mjs's 120 s per file.
import { now } from './measure.mjs';
import {
  installedPeers,
  NOT_INSTALLED,
  PEERS,
  reportPeerJoins,
  reportPeerUpdates,
} from './peers/report.mjs';
import { itemState, jsonBytes } from './shared-app/data.mjs';
import { bundle, runChromium, UPDATE_SHAPES } from './shared-app/harness.mjs';

export const title =
  'shared app, reactant-share and coaction: one action → every mirror, a new client → whole state (Chromium SharedWorker; wall time)';

const SUBJECTS = [...PEERS, 'raw'];
/** As in shared-app-peers.bench.mjs: reactant-share takes tens of ms per update at 300×100. */
const UPDATES = { warmup: 30, rounds: 6, perRound: 25 };
/** Full-state joins per shape and subject: unmeasured, then measured (alternating subjects). */
const JOINS = { '30×1000': [2, 10], '30×10000': [1, 5], '1000×1000': [1, 3] };
/** The largest shape (about 25 s) runs only if the file has used less than this. */
const OPTIONAL = { shape: '1000×1000', beforeMs: 75_000 };

export async function run({ report }) {
  const versions = installedPeers();
  if (!versions) {
    console.log(NOT_INSTALLED);
    return;
  }
  const started = now();
  const entry = (path) => new URL(path, import.meta.url);
  const [page, reactantWorker, coactionWorker, rawWorker] = await Promise.all([
    bundle(entry('./peers/page.mjs')),
    // reactant-share starts its worker as a classic script (`new SharedWorker(workerURL)`);
    // coaction's gets the same treatment.
    bundle(entry('./peers/reactant-worker.mjs'), { format: 'iife' }),
    bundle(entry('./peers/coaction-worker.mjs'), { format: 'iife' }),
    bundle(entry('./shared-app/raw-worker.mjs')),
  ]);
  await runChromium({
    files: {
      '/page.js': page,
      '/reactant-worker.js': reactantWorker,
      '/coaction-worker.js': coactionWorker,
      '/raw-worker.js': rawWorker,
    },
    subjects: SUBJECTS,
    plan: { updates: UPDATES, joins: JOINS },
    started,
    optional: OPTIONAL,
    onUpdates: (samples) => reportPeerUpdates(report, 'chromium', UPDATE_SHAPES, samples, versions),
    onJoins: (shape, samples) =>
      reportPeerJoins(
        report,
        'chromium',
        shape,
        samples,
        jsonBytes(itemState(shape.stores, shape.items)),
        versions,
      ),
  });
}
