// reactant-share and coaction, from npm, on the same two workloads as shared-app.bench.mjs, in
// node: one action on one field → every client's mirror, and a new client → the whole state.
// Each library is compared with the raw postMessage baseline measured in this run, as statesync
// is in its file, so the ratios sit side by side. The libraries live in bench/peers/ with their
// own lockfile (their peers clash with the workspace's React 19 and broadcast-channel 7);
// without that install the file says so and reports nothing.

import {
  installedPeers,
  NOT_INSTALLED,
  PEERS,
  reportPeerJoins,
  reportPeerUpdates,
} from './peers/report.mjs';
import {
  CLIENTS,
  FULL_SHAPES,
  joinRounds,
  shapeName,
  UPDATE_SHAPES,
  updateRounds,
} from './shared-app/harness.mjs';

export const title =
  'shared app, reactant-share and coaction: one action → every mirror, a new client → whole state (node worker_threads; wall time)';

const SUBJECTS = [...PEERS, 'raw'];
/**
 * Fewer updates than statesync's file: reactant-share takes about 60 ms per update at 300×100
 * (every @state field is a redux reducer that runs on every dispatch, on the server and on each
 * client), so 180 of them already take 11 s.
 */
const UPDATES = { warmup: 30, rounds: 6, perRound: 25 };
/** Full-state joins per shape and subject: unmeasured, then measured (alternating subjects). */
const JOINS = { '30×1000': [2, 10], '30×10000': [1, 5], '1000×1000': [1, 3] };

export async function run({ report }) {
  const versions = installedPeers();
  if (!versions) {
    console.log(NOT_INSTALLED);
    return;
  }
  const { setUpJoins, setUpUpdates } = await import('./peers/node.mjs');
  const runs = new Map();
  try {
    for (const shape of UPDATE_SHAPES) {
      runs.set(shape, await setUpUpdates({ ...shape, clients: CLIENTS }));
    }
    const samples = await updateRounds(UPDATE_SHAPES, SUBJECTS, UPDATES, (shape, subject, count) =>
      runs.get(shape).measure(subject, count),
    );
    reportPeerUpdates(report, 'node', UPDATE_SHAPES, samples, versions);
  } finally {
    for (const run of runs.values()) await run.close();
  }
  for (const shape of FULL_SHAPES) {
    const joins = await setUpJoins(shape);
    try {
      const samples = await joinRounds(SUBJECTS, JOINS[shapeName(shape)], joins.join);
      reportPeerJoins(report, 'node', shape, samples, joins.bytes(), versions);
    } finally {
      await joins.close();
    }
  }
}
