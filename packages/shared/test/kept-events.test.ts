// A `port: 'server'` app loads its server transport's code with import(); until then the
// global scope (or an extension's runtime) is listened to and what arrives is kept. These run
// the keeping on its own and through createSharedApp with the global scope a stand-in.
import { createMessagePortTransport, noopLogger } from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createExtensionClientTransport,
  createSharedApp,
  type SharedApp,
  spawn,
} from '../src/index.js';
import { keepEvents } from '../src/links/kept-events.js';
import { keepPorts } from '../src/links/kept-ports.js';
import { runtimeStandIn } from './extension-runtime-stand-in.js';
import { counter } from './stores.js';

const event = (type: string, data: unknown) => Object.assign(new Event(type), { data });

describe('keepEvents', () => {
  it('hands a first listener what came before it, in order, then what comes', () => {
    const target = new EventTarget();
    const kept = keepEvents(target, ['message', 'connect'], noopLogger);
    target.dispatchEvent(event('message', 1));
    target.dispatchEvent(event('connect', 'c'));
    target.dispatchEvent(event('message', 2));
    const heard: unknown[] = [];
    kept.scope.addEventListener('message', (e) => heard.push((e as MessageEvent).data));
    expect(heard).toEqual([1, 2]);
    target.dispatchEvent(event('message', 3));
    expect(heard).toEqual([1, 2, 3]);
    // The other type is still kept until its listener comes or the keeping ends.
    const connects: unknown[] = [];
    kept.drop();
    kept.scope.addEventListener('connect', (e) => connects.push((e as MessageEvent).data));
    expect(connects).toEqual([]);
    target.dispatchEvent(event('connect', 'd'));
    expect(connects).toEqual(['d']);
  });

  it('extends a kept event that can be extended until it is delivered or dropped', async () => {
    const target = new EventTarget();
    const kept = keepEvents(target, ['message', 'activate'], noopLogger);
    const extended: Promise<unknown>[] = [];
    const extendable = (type: string) =>
      Object.assign(new Event(type), { waitUntil: (p: Promise<unknown>) => extended.push(p) });
    target.dispatchEvent(extendable('message'));
    target.dispatchEvent(extendable('activate'));
    expect(extended).toHaveLength(2);
    const settled = extended.map((p) => {
      const state = { done: false };
      p.then(() => (state.done = true));
      return state;
    });
    await Promise.resolve();
    expect(settled.map((s) => s.done)).toEqual([false, false]);
    kept.scope.addEventListener('message', () => {});
    await Promise.resolve();
    expect(settled.map((s) => s.done)).toEqual([true, false]);
    kept.drop();
    await Promise.resolve();
    expect(settled.map((s) => s.done)).toEqual([true, true]);
  });

  it('drops what nobody listens to once told, and keeps a listener that throws apart', () => {
    const target = new EventTarget();
    const errors: string[] = [];
    const kept = keepEvents(target, ['message'], {
      ...noopLogger,
      error: (message: string) => errors.push(message),
    });
    target.dispatchEvent(event('message', 1));
    kept.drop();
    const heard: unknown[] = [];
    kept.scope.addEventListener('message', () => {
      throw new Error('listener');
    });
    kept.scope.addEventListener('message', (e) => heard.push((e as MessageEvent).data));
    target.dispatchEvent(event('message', 2));
    expect(heard).toEqual([2]);
    expect(errors).toEqual(['a listener of a server transport threw']);
  });
});

describe('keepPorts', () => {
  it('keeps the ports of its name and what they sent until a listener takes them', async () => {
    const runtime = runtimeStandIn();
    const kept = keepPorts(runtime.background, 'app');
    const other = runtime.page.connect({ name: 'someone-else' });
    const page = runtime.page.connect({ name: 'app' });
    page.postMessage({ n: 1 });
    page.postMessage({ n: 2 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const names: string[] = [];
    const heard: unknown[] = [];
    kept.runtime.onConnect.addListener((port) => {
      names.push(port.name);
      port.onMessage.addListener((message) => heard.push(message));
    });
    expect(names).toEqual(['app']);
    expect(heard).toEqual([{ n: 1 }, { n: 2 }]);
    page.postMessage({ n: 3 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(heard).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    other.disconnect();
  });
});

describe('a port: server app without a transport', () => {
  const apps: SharedApp[] = [];
  const saved = { ...globalThis } as Record<string, unknown>;
  const global = globalThis as unknown as Record<string, unknown>;
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.dispose()));
    for (const key of ['addEventListener', 'removeEventListener', 'chrome']) {
      if (key in saved) global[key] = saved[key];
      else delete global[key];
    }
  });

  it('serves a page whose connect event came before its transport code loaded', async () => {
    const scope = new EventTarget();
    global.addEventListener = scope.addEventListener.bind(scope);
    global.removeEventListener = scope.removeEventListener.bind(scope);
    const worker = createSharedApp({
      stores: [counter],
      share: { name: 'kept', port: 'server', type: 'SharedWorker' },
      logger: noopLogger,
    });
    apps.push(worker);
    // Fired before any import() can have loaded, as a browser fires the first connect.
    const { port1, port2 } = new MessageChannel();
    const connect = new Event('connect');
    Object.defineProperty(connect, 'ports', { value: [port2] });
    scope.dispatchEvent(connect);
    const page = createSharedApp({
      stores: [counter],
      share: {
        name: 'kept',
        port: 'client',
        type: 'SharedWorker',
        transport: createMessagePortTransport(port1),
      },
      logger: noopLogger,
    });
    apps.push(page);
    await expect(spawn(page.store(counter), 'increase', [3])).resolves.toBe(3);
    await worker.ready;
    expect(worker.store(counter).getState()).toEqual({ count: 3 });
  });

  it('serves an extension page that connected and sent before its transport code loaded', async () => {
    const runtime = runtimeStandIn();
    global.chrome = { runtime: runtime.background };
    const background = createSharedApp({
      stores: [counter],
      share: { name: 'kept-ext', port: 'server', type: 'Extension' },
      logger: noopLogger,
    });
    apps.push(background);
    const page = createSharedApp({
      stores: [counter],
      share: {
        name: 'kept-ext',
        port: 'client',
        type: 'Extension',
        transport: createExtensionClientTransport({
          runtime: runtime.page,
          portName: 'statesync:kept-ext',
        }),
      },
      logger: noopLogger,
    });
    apps.push(page);
    await expect(spawn(page.store(counter), 'increase', [4])).resolves.toBe(4);
    expect(background.store(counter).getState()).toEqual({ count: 4 });
  });

  it('throws at once where there is no scope to listen on', () => {
    expect(() =>
      createSharedApp({
        stores: [],
        share: { name: 'x', port: 'server', type: 'Worker' },
        logger: noopLogger,
      }),
    ).toThrowError(/no worker scope/);
    expect(() =>
      createSharedApp({
        stores: [],
        share: { name: 'x', port: 'server', type: 'Extension' },
        logger: noopLogger,
      }),
    ).toThrowError(/no extension runtime/);
  });
});
