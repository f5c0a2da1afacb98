// The statesync authority of the shared-app bench in Chromium: a module SharedWorker, bundled
// by shared-app.bench.mjs. The query string says what it holds:
// `?kind=update|full&app=<name>&stores=<count>&size=<fields or items>`.
import { createSharedApp, spawn } from '@statesync/shared';
import { fieldStores, itemStores } from './stores.mjs';

const params = new URLSearchParams(self.location.search);
const kind = params.get('kind');
const stores = Number(params.get('stores'));
const size = Number(params.get('size'));
const definitions = kind === 'update' ? fieldStores(stores, size) : itemStores(stores);

// Listens for the pages' connect events from here on (the default server transport).
const app = createSharedApp({
  stores: definitions,
  share: { name: params.get('app'), port: 'server', type: 'SharedWorker' },
});
// Setups run once the authority's code has loaded, before it serves the first client; an action
// runs at once there, so the state is complete before the first client has it.
if (kind === 'full') {
  app.onServer(() => {
    for (const d of definitions) void spawn(app.store(d), 'fill', [size]);
  });
}
