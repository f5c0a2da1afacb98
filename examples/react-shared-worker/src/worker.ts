// The SharedWorker: the authority. It holds the todo list and runs every action, one at a time,
// for all the tabs of the origin. Bundled on its own, as /worker.js.
import { createSharedApp } from '@statesync/shared';
import { APP_NAME, todos } from './todos.js';

createSharedApp({
  stores: [todos],
  share: { name: APP_NAME, port: 'server', type: 'SharedWorker' },
});
