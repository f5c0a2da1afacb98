// The authority of the optimistic bench in Chromium: a module SharedWorker.
import { createSharedApp } from '@statesync/shared';
import { fields } from './stores.mjs';

createSharedApp({
  stores: [fields],
  share: { name: 'optimistic-bench', port: 'server', type: 'SharedWorker' },
});
