import { describe, expect, it } from 'vitest';
import { createSharedWorkerServerTransport, spawn } from '../src/index.js';
import { appsPerTest } from './kit/apps-per-test.js';
import { sharedWorkerStandIn } from './shared-worker-stand-in.js';
import { counter } from './stores.js';

// A client page loads its mode's code and the link's engine with a dynamic import the first
// time one of its apps starts in that mode: what the app is asked meanwhile waits for them, and a
// dispose meanwhile wins. (The first test is the first SharedWorker page of this file.)
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const { cleanups, start } = appsPerTest();

const workerPage = (env: ReturnType<typeof sharedWorkerStandIn>) =>
  start({
    stores: [counter],
    share: {
      name: 'lazy-modes',
      port: 'client',
      type: 'SharedWorker',
      workerURL: '/worker.js',
      SharedWorker: env.SharedWorker,
    },
    logger: quiet,
  });

describe('a client page whose mode is still loading', () => {
  it('disposed as its mode starts loading, starts no worker and rejects ready with stopped', async () => {
    const env = sharedWorkerStandIn();
    cleanups.push(env.close);
    const page = workerPage(env);
    let disposing: Promise<void> | undefined;
    // The mode is set just before its code is imported: dispose then, while it loads. (The
    // dispose sets the status again, from inside this listener.)
    const seen: string[] = [];
    const stop = page.status.subscribe((status) => {
      seen.push(`${status.mode}/${status.role}`);
      disposing ??= page.dispose();
    });
    const call = spawn(page.store(counter), 'increase', [1]);
    await expect(page.ready).rejects.toMatchObject({ code: 'stopped' });
    await expect(call).rejects.toMatchObject({ code: 'stopped' });
    await disposing;
    stop();
    expect(seen[0]).toBe('SharedWorker/client');
    expect(env.created).toEqual([]);
  });

  it('sends the calls made before it linked once linked, in order', async () => {
    const env = sharedWorkerStandIn();
    cleanups.push(env.close);
    start({
      stores: [counter],
      share: {
        name: 'lazy-modes',
        port: 'server',
        type: 'SharedWorker',
        transport: createSharedWorkerServerTransport(env.scope),
      },
      logger: quiet,
    });
    const page = workerPage(env);
    const store = page.store(counter);
    const calls = [spawn(store, 'increase', [1]), store.actions.increase(2)];
    await expect(Promise.all(calls)).resolves.toEqual([1, 3]);
    await page.ready;
    expect([page.mode, store.getState()]).toEqual(['SharedWorker', { count: 3 }]);
  });

  it('in Local mode, runs the calls made while the authority and the local link load', async () => {
    const app = start({ stores: [counter], share: { name: 'lazy-local', type: 'Local' } });
    const call = spawn(app.store(counter), 'increase', [4]);
    await expect(call).resolves.toBe(4);
    await app.ready;
    expect([app.mode, app.role, app.store(counter).getState()]).toEqual([
      'Local',
      'local',
      { count: 4 },
    ]);
  });
});
