// A page's side of the shared app: a client of the SharedWorker that runs the to-do list and
// the settings authority; where SharedWorker is missing, the tabs elect one of them instead.
import { createConsoleLogger, type Logger } from '@statesync/core';
import { createSharedApp, type SharedApp } from '@statesync/shared';
import { APP_NAME } from '../model/app-name.js';
import { todos } from '../model/todos.js';
import workerURL from '../worker.ts?worker&url';
import { serveSettings } from './serve-settings.js';

export interface DemoApp {
  app: SharedApp;
  logger: Logger;
}

export function createDemoApp(): DemoApp {
  const logger = createConsoleLogger({ prefix: `[${APP_NAME}]` });
  const app = createSharedApp({
    stores: [todos],
    // SharedWorker, else SharedTab (a leader tab), else Local: app.mode says which.
    share: { name: APP_NAME, type: 'Auto', workerURL },
    logger,
  });
  // Runs only while this page is the authority itself (an elected tab, or Local).
  serveSettings(app, logger);
  // Redux DevTools, in development (or with ?devtools): a chunk of its own, loaded only then.
  if (import.meta.env.DEV || new URLSearchParams(location.search).has('devtools')) {
    void import('@statesync/shared/devtools').then(({ connectDevtools }) => connectDevtools(app));
  }
  // Leaving says goodbye to the authority; a page restored from the back/forward cache starts over.
  addEventListener('pagehide', () => void app.dispose());
  addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
  return { app, logger };
}
