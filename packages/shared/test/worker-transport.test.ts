import { PROTOCOL_VERSION, type Transport } from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import { describeTransportConformance } from '../../core/test/conformance/transport-conformance.js';
import { createSharedApp, type SharedApp, type SharedAppOptions, spawn } from '../src/index.js';
import {
  createWorkerClientTransport,
  createWorkerServerTransport,
} from '../src/links/worker-transport.js';
import { counter, todos } from './stores.js';
import { recordingLogger, relayMedium, workerStandIn } from './window-stand-in.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await nextTask();
  if (!condition()) throw new Error(`never happened: ${what}`);
}

describeTransportConformance('dedicated worker links', () => {
  const { scope, worker } = workerStandIn();
  const server = createWorkerServerTransport(scope, { logger: quiet });
  return relayMedium(server.accept, () => createWorkerClientTransport(worker));
});

describe('worker transports', () => {
  it('link the page and the worker both ways, one link per client transport', async () => {
    const { scope, worker } = workerStandIn();
    const server = createWorkerServerTransport(scope);
    const links: Transport[] = [];
    cleanups.push(server.accept((link) => links.push(link)));
    const page = createWorkerClientTransport(worker);
    cleanups.push(() => page.close());
    const atPage: unknown[] = [];
    page.subscribe((message) => atPage.push(message));
    page.send('from the page');
    await until(() => links.length === 1, 'the link');
    const atWorker: unknown[] = [];
    links[0]!.subscribe((message) => atWorker.push(message));
    links[0]!.send('from the worker');
    await until(() => atPage.length === 1 && atWorker.length === 1, 'both messages');
    expect([atPage, atWorker]).toEqual([['from the worker'], ['from the page']]);
    expect(server.connections()).toBe(1);
    links[0]!.close();
    expect(server.connections()).toBe(0);
  });

  it('leaves unrelated messages alone and ignores malformed connect messages, warning', async () => {
    const { scope, worker } = workerStandIn();
    const { logger, lines } = recordingLogger();
    const server = createWorkerServerTransport(scope, { logger });
    const links: Transport[] = [];
    cleanups.push(server.accept((link) => links.push(link)));
    worker.postMessage({ type: 'job', id: 1 });
    worker.postMessage('ping');
    const connect = { type: 'statesync:connect', v: PROTOCOL_VERSION, name: 'statesync' };
    worker.postMessage(connect);
    worker.postMessage({ ...connect, name: 'another-app' });
    await until(() => lines.length === 1, 'a warning');
    for (let i = 0; i < 5; i++) await nextTask();
    expect(lines.map((line) => line.message)).toEqual([
      'ignored a malformed connect message: it must carry one MessagePort, not 0',
    ]);
    expect(links).toEqual([]);
  });

  it('refuses what is not a worker or a worker scope', () => {
    const invalid = expect.objectContaining({ code: 'invalid_option' });
    expect(() => createWorkerClientTransport({} as never)).toThrowError(invalid);
    expect(() => createWorkerServerTransport({} as never)).toThrowError(invalid);
    // The default scope is the global one; Node's is no EventTarget, unlike a worker's.
    expect(() => createWorkerServerTransport()).toThrowError(/run this inside a Worker/);
    expect(() => createWorkerClientTransport(workerStandIn().worker, { name: '' })).toThrowError(
      invalid,
    );
  });
});

describe('a shared app in a dedicated worker', () => {
  const apps: SharedApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.dispose()));
  });
  const start = (options: SharedAppOptions) => {
    const app = createSharedApp(options);
    apps.push(app);
    return app;
  };

  it('runs the actions in the worker; the page renders the mirror', async () => {
    const { scope, worker } = workerStandIn();
    const server = createWorkerServerTransport(scope);
    const inWorker = start({
      stores: [counter, todos],
      share: { name: 'worker-app', port: 'server', type: 'SharedWorker', transport: server },
      logger: quiet,
    });
    const page = start({
      stores: [counter, todos],
      share: {
        name: 'worker-app',
        port: 'client',
        type: 'SharedWorker',
        transport: createWorkerClientTransport(worker),
      },
      logger: quiet,
    });
    const seen: number[] = [];
    page.store(counter).subscribe((state) => seen.push(state.count));
    await page.ready;
    const values = await Promise.all(
      [1, 2, 3].map((by) => spawn(page.store(counter), 'increase', [by])),
    );
    expect(values).toEqual([1, 3, 6]);
    expect(page.store(counter).getState()).toEqual({ count: 6 });
    expect(inWorker.store(counter).getState()).toEqual({ count: 6 });
    expect(seen.at(-1)).toBe(6);
    expect(await spawn(page.store(todos), 'add', ['in the worker'])).toBe(1);
    expect(page.store(todos).getState()).toEqual(inWorker.store(todos).getState());
    expect(server.connections()).toBe(1);
    await page.dispose();
    await until(() => server.connections() === 0, 'the link to close on bye');
  });
});
