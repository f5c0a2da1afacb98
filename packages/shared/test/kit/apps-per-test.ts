// The scaffolding of the tests that start shared apps: every app started with `start` and every
// cleanup pushed to `cleanups` is disposed or run after each test.
import { afterEach } from 'vitest';
import { createSharedApp, type SharedApp, type SharedAppOptions } from '../../src/index.js';

export function appsPerTest() {
  const apps: SharedApp[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.dispose()));
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  const start = (options: SharedAppOptions): SharedApp => {
    const app = createSharedApp(options);
    apps.push(app);
    return app;
  };
  return { apps, cleanups, start };
}
