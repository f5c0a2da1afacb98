// A page whose mode cannot start says so loudly: onError (phase `fallback`) and app.status,
// with the reason; with share.strict its `ready` rejects instead.
import { describe, expect, it } from 'vitest';
import {
  createSharedApp,
  createSharedWorkerServerTransport,
  type SharedAppOptions,
  type SharedErrorContext,
} from '../src/index.js';
import { appsPerTest } from './kit/apps-per-test.js';
import { sharedWorkerStandIn, warningLogger } from './shared-worker-stand-in.js';
import { counter } from './stores.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const { apps, cleanups } = appsPerTest();

function page(
  env: ReturnType<typeof sharedWorkerStandIn>,
  extra: Partial<SharedAppOptions['share']> = {},
) {
  const errors: SharedErrorContext[] = [];
  const app = createSharedApp({
    stores: [counter],
    share: {
      name: 'counter-app',
      port: 'client',
      type: 'SharedWorker',
      workerURL: '/worker.js',
      SharedWorker: env.SharedWorker,
      ...extra,
    } as SharedAppOptions['share'],
    logger: warningLogger().logger,
    onError: (context) => errors.push(context),
  });
  apps.push(app);
  return { app, errors };
}

function worker(env: ReturnType<typeof sharedWorkerStandIn>, name: string, version = '1') {
  apps.push(
    createSharedApp({
      stores: [counter],
      share: {
        name,
        version,
        port: 'server',
        type: 'SharedWorker',
        transport: createSharedWorkerServerTransport(env.scope),
      },
      logger: quiet,
    }),
  );
}

describe('a failed mode', () => {
  it('is reported to onError and app.status when the worker script does not load', async () => {
    const env = sharedWorkerStandIn('error');
    cleanups.push(env.close);
    const { app, errors } = page(env);
    await app.ready;
    expect(app.mode).toBe('SharedTab');
    const fallback = errors.find((context) => context.phase === 'fallback');
    expect(fallback?.error).toMatchObject({ code: 'invalid_option', reason: 'fallback' });
    expect(fallback?.error.message).toMatch(
      /^SharedWorker mode failed, SharedTab mode runs instead: the SharedWorker failed to start; check that \/worker\.js loads/,
    );
    expect(app.status.getState().fallback).toEqual({
      from: 'SharedWorker',
      reason: expect.stringMatching(/^the SharedWorker failed to start/),
    });
  });

  it('is reported when the worker serves another app (a wrong name) or another version', async () => {
    const env = sharedWorkerStandIn();
    cleanups.push(env.close);
    worker(env, 'other-app');
    const named = page(env, { version: '1' });
    await named.app.ready;
    expect(named.app.status.getState().fallback?.reason).toBe(
      'this authority serves app "other-app", not "counter-app"',
    );
    expect(named.errors.map((context) => context.phase)).toContain('fallback');

    const env2 = sharedWorkerStandIn();
    cleanups.push(env2.close);
    worker(env2, 'counter-app', '2');
    const versioned = page(env2, { version: '1' });
    await versioned.app.ready;
    expect(versioned.app.status.getState().fallback?.reason).toBe(
      'app version "1" does not match the authority\'s "2"',
    );
  });

  it('rejects ready instead with share.strict', async () => {
    const env = sharedWorkerStandIn('error');
    cleanups.push(env.close);
    const { app, errors } = page(env, { strict: true });
    await expect(app.ready).rejects.toMatchObject({
      code: 'invalid_option',
      reason: 'fallback',
      message: expect.stringMatching(
        /^SharedWorker mode failed, and share\.strict forbids a fallback: /,
      ),
    });
    expect(app.status.getState().fallback).toBeUndefined();
    expect(errors.filter((context) => context.phase === 'fallback')).toEqual([]);
  });

  it('is silent where the page chose Auto and has no SharedWorker (nothing failed)', async () => {
    const errors: SharedErrorContext[] = [];
    const app = createSharedApp({
      stores: [counter],
      share: { name: `auto-${Math.random()}`, type: 'Auto', workerURL: '/worker.js' },
      logger: quiet,
      onError: (context) => errors.push(context),
    });
    apps.push(app);
    await app.ready;
    expect(app.mode).toBe('SharedTab');
    expect(app.status.getState().fallback).toBeUndefined();
    expect(errors).toEqual([]);
  });
});
