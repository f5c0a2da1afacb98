// Every page runs this: a client of the worker, or, in a browser without SharedWorker, of a tab
// the tabs elect (SharedTab), which then runs the actions itself.
import { createSharedApp } from '@statesync/shared';
import { APP_NAME, todos } from './todos.js';
// Vite bundles the worker on its own, as an ES module, and gives its URL.
import workerURL from './worker.ts?worker&url';

export const app = createSharedApp({
  stores: [todos],
  share: { name: APP_NAME, type: 'Auto', workerURL },
});

export const todoStore = app.store(todos);
