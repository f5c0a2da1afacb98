// A page's side of the shared app: a client of the SharedWorker that runs the to-do list and
// the settings authority; where SharedWorker is missing, the tabs elect one of them instead.
// With `?server=ws://…` (which `npm start` prints when Redis is installed) the to-do list runs
// on @statesync/server instead, so every browser shares it; the settings stay on the device.
import { createConsoleLogger, type Logger } from '@statesync/core';
import { createServerConnector, createSharedApp, type SharedApp } from '@statesync/shared';
import { APP_NAME, SERVER_APP_NAME } from '../model/app-name.js';
import { todos } from '../model/todos.js';
import workerURL from '../worker.ts?worker&url';
import { serveSettings } from './serve-settings.js';

export interface DemoApp {
  /** The device's app: the settings, and the to-do list unless it runs on the server. */
  app: SharedApp;
  /** The app whose `todos` store the page shows: `app`, or the server's. */
  todosApp: SharedApp;
  logger: Logger;
}

const SERVER_KEY = 'statesync-demo:server';

/** The server the to-do list runs on: `?server=` (kept for the windows this one opens). */
function todosServer(): string | undefined {
  const asked = new URLSearchParams(location.search).get('server');
  if (asked) sessionStorage.setItem(SERVER_KEY, asked);
  return asked ?? sessionStorage.getItem(SERVER_KEY) ?? undefined;
}

export function createDemoApp(): DemoApp {
  const logger = createConsoleLogger({ prefix: `[${APP_NAME}]` });
  const server = todosServer();
  const app = createSharedApp({
    stores: server ? [] : [todos],
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
  const todosApp = server
    ? createSharedApp({
        stores: [todos],
        share: {
          name: SERVER_APP_NAME,
          type: 'Window',
          port: 'client',
          connector: createServerConnector({ url: server }),
        },
        logger,
      })
    : app;
  // Leaving says goodbye to the authority; a page restored from the back/forward cache starts over.
  addEventListener('pagehide', () => {
    void app.dispose();
    if (todosApp !== app) void todosApp.dispose();
  });
  addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
  return { app, todosApp, logger };
}
