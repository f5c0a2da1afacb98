// The SharedWorker: the one authority of every window of the demo. It runs the to-do list's
// actions and the settings authority; pages only render mirrors and ask.
import { createConsoleLogger } from '@statesync/core';
import { createSharedApp } from '@statesync/shared';
import { serveDevtools } from '@statesync/shared/devtools';
import { APP_NAME } from './model/app-name.js';
import { todos } from './model/todos.js';
import { serveSettings } from './sync/serve-settings.js';

const logger = createConsoleLogger({ prefix: `[${APP_NAME} worker]` });
const app = createSharedApp({
  stores: [todos],
  share: { name: APP_NAME, port: 'server', type: 'SharedWorker' },
  logger,
});
serveSettings(app, logger);
// Redux DevTools in any window (see demo-app.ts) travel in time here, so every window follows.
// The demo serves them in every build, so that `?devtools` works on what `npm start` serves; an
// app serves them in development only, since any window may then rewrite the state.
serveDevtools(app);
