// reactant-share's server app in Chromium: a SharedWorker, bundled as a classic script by
// shared-app-peers-chromium.bench.mjs, since reactant-share's client starts it as
// `new SharedWorker(workerURL)`. Its transport is the one reactant-share makes in a SharedWorker
// (data-transport's 'SharedWorkerInternal'). The query string says what it holds:
// `?kind=update|full&app=<name>&stores=<count>&size=<fields or items>`.
import { createReactantApp, fieldModules, instanceOf, itemModules } from './reactant.mjs';

const params = new URLSearchParams(self.location.search);
const kind = params.get('kind');
const stores = Number(params.get('stores'));
const size = Number(params.get('size'));
const modules = kind === 'update' ? fieldModules(stores, size) : itemModules(stores);

void createReactantApp({
  name: params.get('app'),
  modules,
  port: 'server',
  type: 'SharedWorker',
}).then((app) => {
  // Filled by its own actions before the first client's request is handled (this runs before
  // the connect event's task).
  if (kind === 'full') for (const Module of modules) instanceOf(app, Module).fill(size);
});
