// SharedTab: no worker file. The tabs elect a leader (Web Locks), which runs the actions; when
// it closes, another tab takes over with the newest state.
import { createSharedApp } from '@statesync/shared';
import { todos } from './todos.js';

export const app = createSharedApp({
  stores: [todos],
  share: { name: 'statesync-vue-app', type: 'SharedTab' },
});

export const todoStore = app.store(todos);
