// A page's side of the shared app: a client of the SharedWorker that runs the to-do list and
// the settings authority.
import { createConsoleLogger, type Logger } from '@statesync/core';
import { createSharedApp, type SharedApp } from '@statesync/shared';
import { APP_NAME } from '../model/app-name.js';
import { todos } from '../model/todos.js';
import workerURL from '../worker.ts?worker&url';
import { serveSettings } from './serve-settings.js';

// MODE: the one place the runtime mode is chosen; 'Auto' (SharedWorker, else SharedTab, else
// Local) replaces 'SharedWorker' once @statesync/shared has it.
const SHARE_TYPE = 'SharedWorker';

export interface DemoApp {
  app: SharedApp;
  logger: Logger;
}

export function createDemoApp(): DemoApp {
  const logger = createConsoleLogger({ prefix: `[${APP_NAME}]` });
  const app = createSharedApp({
    stores: [todos],
    share: { name: APP_NAME, port: 'client', type: SHARE_TYPE, workerURL },
    logger,
  });
  // Runs only if this page becomes the authority itself (no SharedWorker here).
  serveSettings(app, logger);
  // Leaving says goodbye to the authority; a page restored from the back/forward cache starts over.
  addEventListener('pagehide', () => void app.dispose());
  addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
  return { app, logger };
}
