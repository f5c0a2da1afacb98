// coaction's shared store in Chromium: a SharedWorker, bundled as a classic script by
// shared-app-peers-chromium.bench.mjs. In a SharedWorker `create(slices, { name })` makes its
// own transport (data-transport's 'SharedWorkerInternal'). Same query string as
// reactant-worker.mjs.
import { createCoactionStore, fieldSlices, itemSlices } from './coaction.mjs';

const params = new URLSearchParams(self.location.search);
const kind = params.get('kind');
const stores = Number(params.get('stores'));
const size = Number(params.get('size'));

const store = createCoactionStore(
  kind === 'update' ? fieldSlices(stores, size) : itemSlices(stores),
  {
    name: params.get('app'),
  },
);
if (kind === 'full') for (let s = 0; s < stores; s++) store.getState()[`list${s}`].fill(size);
