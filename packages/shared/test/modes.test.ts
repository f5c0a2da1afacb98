// What createSharedApp checks and chooses by share.type, in Node (no SharedWorker, no service
// workers, no Web Locks): the modes themselves run in Chromium (e2e/shared-*.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { createSharedApp, type SharedApp, type SharedAppOptions, spawn } from '../src/index.js';
import { warningLogger } from './shared-worker-stand-in.js';
import { counter } from './stores.js';

const apps: SharedApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.dispose()));
});
const start = (share: SharedAppOptions['share'], logger = warningLogger().logger) => {
  const app = createSharedApp({ stores: [counter], share, logger });
  apps.push(app);
  return app;
};

describe('share.type', () => {
  it('refuses what a mode cannot work without', () => {
    const invalid = expect.objectContaining({ code: 'invalid_option' });
    expect(() => start({ name: 'a', port: 'server', type: 'Window' })).toThrowError(invalid);
    expect(() => start({ name: 'a', port: 'client', type: 'Window' })).toThrowError(invalid);
    expect(() => start({ name: 'a', port: 'client', type: 'Worker' })).toThrowError(invalid);
    expect(() => start({ name: 'a', type: 'Nope' } as never)).toThrowError(invalid);
    expect(() =>
      start({ name: 'a', port: 'server', type: 'Window', allowedOrigins: ['*'] }),
    ).toThrowError(invalid);
  });

  it('a ServiceWorker page where there are no service workers falls back to SharedTab', async () => {
    const { logger, warnings } = warningLogger();
    const app = start(
      { name: `sw-${Math.random()}`, port: 'client', type: 'ServiceWorker', workerURL: '/sw.js' },
      logger,
    );
    await app.ready;
    expect([app.mode, app.role]).toEqual(['SharedTab', 'leader']);
    expect(warnings.map((warning) => warning.message)).toEqual([
      'falling back to SharedTab mode: service workers are not available here',
    ]);
    expect(await spawn(app.store(counter), 'increase', [1])).toBe(1);
  });

  it('a Worker page where there is no Worker runs its stores itself (Local), with a warning', async () => {
    const { logger, warnings } = warningLogger();
    const app = start({ name: 'w', port: 'client', type: 'Worker', workerURL: '/w.js' }, logger);
    await app.ready;
    expect(app.mode).toBe('Local');
    expect(warnings.map((warning) => warning.message)).toEqual([
      'falling back to Local mode: Worker is not available here',
    ]);
  });

  it('Auto without a workerURL starts at SharedTab, silently', async () => {
    const { logger, warnings } = warningLogger();
    const app = start({ name: `auto-${Math.random()}`, type: 'Auto' }, logger);
    await app.ready;
    expect(app.status.getState()).toMatchObject({
      mode: 'SharedTab',
      role: 'leader',
      connected: true,
    });
    expect(warnings).toEqual([]);
  });
});
