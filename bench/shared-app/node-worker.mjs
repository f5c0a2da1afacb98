// The authority side of the shared-app bench in node: a worker_threads Worker running a
// statesync authority (createSharedApp, port 'server') and, for the baseline, the same state
// served by hand with raw postMessage. Started by shared-app.bench.mjs with workerData
// `{ kind: 'update' | 'full', app, stores, size }`; the main thread hands it one end of a
// MessageChannel per client: `{ type: 'connect', port }` for statesync, `{ type: 'raw', port }`
// for the baseline.
import { workerData } from 'node:worker_threads';
import { spawn } from '@statesync/shared';
import { serveBenchAuthority } from './node-authority.mjs';
import { serveRaw } from './node-host.mjs';
import { fieldState, fieldStores, itemStores } from './stores.mjs';

const { kind, app: name, stores, size } = workerData;
const definitions = kind === 'update' ? fieldStores(stores, size) : itemStores(stores);

await serveBenchAuthority({
  name,
  stores: definitions,
  async prepare(app) {
    if (kind !== 'full') return;
    for (const definition of definitions) await spawn(app.store(definition), 'fill', [size]);
  },
  /** The baseline: a plain object, changed in place (update) or sent whole (full). */
  raw: (app) =>
    serveRaw(
      kind,
      kind === 'update'
        ? fieldState(stores, size)
        : // The very object statesync's authority holds.
          Object.fromEntries(definitions.map((d) => [d.name, app.store(d).getState()])),
    ),
});
