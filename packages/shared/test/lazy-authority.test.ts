import { noopLogger } from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createSharedApp, type SharedApp, spawn } from '../src/index.js';
import { createTransportHub } from '../src/testing.js';
import { counter, todos } from './stores.js';

// The authority's code is loaded with a dynamic import where an authority runs; these are the
// promises an app keeps while it loads.
describe('an authority whose code is still loading', () => {
  const apps: SharedApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.dispose()));
  });

  const serve = (transport = createTransportHub({ seed: 1 }).server) => {
    const app = createSharedApp({
      stores: [counter],
      share: { name: 'lazy', port: 'server', type: 'SharedWorker', transport },
      logger: noopLogger,
    });
    apps.push(app);
    return app;
  };

  it('has its handles once ready, and serves what came before', async () => {
    const app = serve();
    expect(() => app.store(counter)).toThrowError(expect.objectContaining({ code: 'stopped' }));
    const added = app.addStore(todos);
    const emitted = app.emit('hello', 1);
    await app.ready;
    const store = app.store(counter);
    expect(store.getState()).toEqual({ count: 0 });
    await expect(spawn(store, 'increase', [2])).resolves.toBe(2);
    const list = await added;
    await expect(spawn(list, 'add', ['early'])).resolves.toBe(1);
    // No client listens: nobody answered.
    await expect(emitted).resolves.toEqual([]);
    expect(app.status.getState().connected).toBe(true);
  });

  it('keeps a client that connected while it loaded, and its first messages', async () => {
    const hub = createTransportHub({ seed: 2 });
    const server = serve(hub.server);
    const client = createSharedApp({
      stores: [counter],
      share: { name: 'lazy', port: 'client', type: 'SharedWorker', transport: hub.connect() },
      logger: noopLogger,
    });
    apps.push(client);
    const call = spawn(client.store(counter), 'increase', [5]);
    await client.ready;
    await expect(call).resolves.toBe(5);
    await server.ready;
    expect(server.store(counter).getState()).toEqual({ count: 5 });
    expect(client.store(counter).getState()).toEqual({ count: 5 });
  });

  it('runs onServer setups with its handles before it serves the first client', async () => {
    const hub = createTransportHub({ seed: 3 });
    const server = serve(hub.server);
    server.onServer(() => {
      void spawn(server.store(counter), 'increase', [3]);
      return undefined;
    });
    const client = createSharedApp({
      stores: [counter],
      share: { name: 'lazy', port: 'client', type: 'SharedWorker', transport: hub.connect() },
      logger: noopLogger,
    });
    apps.push(client);
    await client.ready;
    expect(client.store(counter).getState()).toEqual({ count: 3 });
  });

  it('disposed while loading, it never serves and its calls reject with stopped', async () => {
    const app = serve();
    const added = app.addStore(todos);
    await app.dispose();
    await app.ready;
    await expect(added).rejects.toMatchObject({ code: 'stopped' });
    expect(() => app.store(counter)).toThrowError(expect.objectContaining({ code: 'stopped' }));
    expect(app.status.getState().connected).toBe(false);
  });
});
