import { describe, expect, it } from 'vitest';
import { createSharedApp, createSharedWorkerServerTransport, spawn } from '../src/index.js';
import { appsPerTest } from './kit/apps-per-test.js';
import { sharedWorkerStandIn, warningLogger } from './shared-worker-stand-in.js';
import { counter, todos } from './stores.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const { cleanups, start } = appsPerTest();

function page(env: ReturnType<typeof sharedWorkerStandIn> | undefined, extra: object = {}) {
  const { logger, warnings } = warningLogger();
  const app = start({
    stores: [counter, todos],
    share: {
      name: 'counter-app',
      port: 'client',
      type: 'SharedWorker',
      workerURL: '/worker.js',
      ...(env && { SharedWorker: env.SharedWorker }),
      ...extra,
    },
    logger,
  });
  return { app, warnings };
}

describe('SharedWorker mode (over a MessageChannel stand-in)', () => {
  it('shares one authority between pages: calls, state, late joiners', async () => {
    const env = sharedWorkerStandIn();
    cleanups.push(env.close);
    // The worker script's side.
    const worker = start({
      stores: [counter, todos],
      share: {
        name: 'counter-app',
        port: 'server',
        type: 'SharedWorker',
        transport: createSharedWorkerServerTransport(env.scope),
      },
      logger: quiet,
    });
    const pages = [page(env), page(env), page(env)].map(({ app }) => app);
    await Promise.all(pages.map((app) => app.ready));
    expect(pages.map((app) => app.mode)).toEqual(['SharedWorker', 'SharedWorker', 'SharedWorker']);
    expect(env.created[0]).toEqual({
      url: '/worker.js',
      options: { name: 'counter-app', type: 'module' },
    });

    const values = await Promise.all(
      pages.map((app) => spawn(app.store(counter), 'increase', [1])),
    );
    expect([...values].sort()).toEqual([1, 2, 3]);
    // Each page shows at least its own write once its call resolved.
    pages.forEach((app, index) => {
      expect(app.store(counter).getState().count).toBeGreaterThanOrEqual(values[index]!);
    });
    expect(worker.store(counter).getState()).toEqual({ count: 3 });

    // A page that leaves while its call is in flight does not disturb the others.
    const leaving = spawn(pages[2]!.store(counter), 'increase', [10]).catch(
      (error: unknown) => error,
    );
    await pages[2]!.dispose();
    expect(await leaving).toMatchObject({ code: 'stopped' });
    await spawn(pages[0]!.store(todos), 'add', ['from page 0']);

    const late = page(env).app;
    await late.ready;
    expect(late.store(todos).getState().items).toEqual([
      { id: 1, text: 'from page 0', done: false },
    ]);
    expect(late.store(counter).getState()).toEqual(worker.store(counter).getState());
    expect(await spawn(late.store(counter), 'increase', [0])).toBe(
      worker.store(counter).getState().count,
    );
  });

  it('falls back to SharedTab, with a warning, where SharedWorker does not exist', async () => {
    // Node has no SharedWorker: the default constructor is missing.
    const { app, warnings } = page(undefined);
    const ran: string[] = [];
    app.onServer(() => {
      ran.push('onServer');
      return undefined;
    });
    await app.ready;
    expect([app.mode, app.role]).toEqual(['SharedTab', 'leader']);
    expect(warnings).toEqual([
      {
        message: 'falling back to SharedTab mode: SharedWorker is not available here',
        extra: { reason: 'SharedWorker is not available here', app: 'counter-app' },
      },
    ]);
    // The only tab was elected: server-only code runs now.
    expect(ran).toEqual(['onServer']);
    expect(await spawn(app.store(counter), 'increase', [5])).toBe(5);
    expect(app.store(counter).getState()).toEqual({ count: 5 });
  });

  it('falls back to SharedTab when the worker never says hello, keeping calls made meanwhile', async () => {
    const env = sharedWorkerStandIn('silent');
    cleanups.push(env.close);
    const { app, warnings } = page(env, { startTimeoutMs: 30 });
    const early = spawn(app.store(counter), 'increase', [2]);
    const seen: unknown[] = [];
    app.store(counter).subscribe((state) => seen.push(state));
    await app.ready;
    expect(app.mode).toBe('SharedTab');
    expect(warnings.map((w) => w.message)).toEqual([
      'falling back to SharedTab mode: no welcome from the authority of "counter-app" within 30 ms; check that /worker.js loads',
    ]);
    expect(await early).toBe(2);
    expect(seen).toEqual([{ count: 2 }]);
  });

  it('falls back to SharedTab when the worker script fails to load', async () => {
    const env = sharedWorkerStandIn('error');
    cleanups.push(env.close);
    const { app, warnings } = page(env);
    await app.ready;
    expect(app.mode).toBe('SharedTab');
    expect(warnings[0]!.message).toMatch(
      /^falling back to SharedTab mode: the SharedWorker failed to start; check that \/worker\.js loads/,
    );
  });

  it('falls back to SharedTab when the running worker is another version of the app', async () => {
    const env = sharedWorkerStandIn();
    cleanups.push(env.close);
    start({
      stores: [counter],
      share: {
        name: 'counter-app',
        port: 'server',
        type: 'SharedWorker',
        transport: createSharedWorkerServerTransport(env.scope),
        version: '1.0.0',
      },
      logger: quiet,
    });
    const { app, warnings } = page(env, { version: '1.1.0' });
    await app.ready;
    expect(app.mode).toBe('SharedTab');
    expect(warnings.at(-1)!.message).toBe(
      'falling back to SharedTab mode: app version "1.1.0" does not match the authority\'s "1.0.0"',
    );
  });

  it('settles ready with stopped when disposed while the worker is starting', async () => {
    const env = sharedWorkerStandIn('silent');
    cleanups.push(env.close);
    const { app } = page(env);
    const ready = app.ready.catch((error: unknown) => error);
    await app.dispose();
    expect(await ready).toMatchObject({ code: 'stopped' });
    expect(app.mode).toBe('SharedWorker');
  });

  it('refuses a worker client without a workerURL, and a server outside a worker', () => {
    expect(() =>
      createSharedApp({ stores: [], share: { name: 'x', port: 'client', type: 'SharedWorker' } }),
    ).toThrowError(expect.objectContaining({ code: 'invalid_option' }));
    expect(() =>
      createSharedApp({
        stores: [],
        share: { name: 'x', port: 'server', type: 'SharedWorker' },
        logger: quiet,
      }),
    ).toThrowError(expect.objectContaining({ code: 'invalid_option' }));
  });
});

describe('Local mode', () => {
  it('runs authority and client in one page with the same API', async () => {
    const app = start({ stores: [counter], share: { name: 'solo', type: 'Local' }, logger: quiet });
    const log: string[] = [];
    app.onServer((channel) => channel.listen('ping', (n) => `pong ${String(n)}`));
    app.onClient(() => {
      log.push('client');
      return () => log.push('client disposed');
    });
    await app.ready;
    expect([app.mode, app.role]).toEqual(['Local', 'local']);
    expect(await spawn(app.store(counter), 'increase', [3])).toBe(3);
    expect(app.store(counter).getState()).toEqual({ count: 3 });
    expect(await app.emit('ping', 1)).toBe('pong 1');
    await app.dispose();
    expect(log).toEqual(['client', 'client disposed']);
  });
});
