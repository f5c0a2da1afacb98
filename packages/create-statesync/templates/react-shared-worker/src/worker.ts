// The SharedWorker: the one authority of every tab. It holds the list and runs every action.
import { createSharedApp } from '@statesync/shared';
import { APP_NAME, todos } from './todos.js';

createSharedApp({
  stores: [todos],
  share: { name: APP_NAME, port: 'server', type: 'SharedWorker' },
});
