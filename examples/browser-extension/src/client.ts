// What the popup and the options page share: the client app, linked to the background over a
// runtime port, and the status line at the bottom of both pages.
import { createSharedApp, type SharedApp, type SharedAppStatus } from '@statesync/shared';
import { APP_NAME, STARTED, stores } from './app.js';

/** An element of the page by its `data-testid`. */
export const $ = <E extends HTMLElement>(id: string): E => {
  const element = document.querySelector<E>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`the page has no [data-testid="${id}"]`);
  return element;
};

/** Shows `error` in the page's alert line, or clears it. */
export function showError(error?: unknown): void {
  $('error').textContent = error === undefined ? '' : String((error as Error).message ?? error);
}

/**
 * Starts this page's app. When the browser stops the background, the port closes and the app
 * connects again by itself, which wakes the worker; the status line counts those reconnections
 * and shows when the worker now serving started.
 */
export function startClient(): SharedApp {
  const app = createSharedApp({
    stores,
    share: { name: APP_NAME, port: 'client', type: 'Extension' },
  });

  let wasConnected = false;
  let reconnections = 0;
  const render = ({ mode, role, connected }: SharedAppStatus) => {
    $('mode').textContent = mode;
    $('role').textContent = role;
    $('connected').textContent = connected ? 'connected' : 'connecting…';
    if (connected && !wasConnected) void showStarted(app);
    if (!connected && wasConnected) reconnections++;
    wasConnected = connected;
    $('reconnections').textContent = String(reconnections);
  };
  render(app.status.getState());
  app.status.subscribe(render);
  return app;
}

async function showStarted(app: SharedApp): Promise<void> {
  const time = $<HTMLTimeElement>('started');
  try {
    const started = (await app.emit(STARTED)) as Date;
    time.dateTime = started.toISOString();
    time.textContent = started.toLocaleTimeString();
  } catch {
    // Stopped again before it answered: the next connection asks again.
    time.textContent = '–';
  }
}
