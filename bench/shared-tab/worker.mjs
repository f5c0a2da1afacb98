// The statesync authority of the SharedWorker round trips: a module SharedWorker, bundled by
// shared-tab.bench.mjs; `?app=<name>` names the app.
import { createSharedApp } from '@statesync/shared';
import { probeStore } from './stores.mjs';

createSharedApp({
  stores: [probeStore(() => 'worker')],
  share: {
    name: new URLSearchParams(self.location.search).get('app') ?? 'bench-worker',
    port: 'server',
    type: 'SharedWorker',
  },
});
