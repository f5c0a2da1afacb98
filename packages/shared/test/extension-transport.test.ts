import { isStateSyncError, PROTOCOL_VERSION, type Transport } from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import { describeTransportConformance } from '../../core/test/conformance/transport-conformance.js';
import { createSharedApp, defineStore, type SharedApp, spawn } from '../src/index.js';
import {
  createExtensionClientTransport,
  createExtensionConnector,
  createExtensionServerTransport,
} from '../src/links/extension-transport.js';
import type { RuntimePortLike } from '../src/links/runtime-port-transport.js';
import { runtimeStandIn, type StandInPort } from './extension-runtime-stand-in.js';
import { counter } from './stores.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Resolves after `count` macrotasks: enough for the stand-in's deliveries queued before. */
const macrotasks = async (count = 3) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

const waitUntil = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !condition(); i++) await macrotasks(1);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
};

// A page's port has one partner in the background; the suite talks to several ends. Each end
// is a page's transport; the background relays what one port posts to every other port, as a
// background script forwarding between its pages would.
describeTransportConformance('extension port, page ends', () => {
  const runtime = runtimeStandIn();
  const relays = new Set<RuntimePortLike>();
  runtime.background.onConnect.addListener((port) => {
    relays.add(port);
    port.onMessage.addListener((message) => {
      for (const relay of relays) {
        if (relay !== port && (relay as StandInPort).connected) relay.postMessage(message);
      }
    });
    port.onDisconnect.addListener(() => relays.delete(port));
  });
  return {
    connect: () => createExtensionClientTransport({ runtime: runtime.page }),
    openCount: () => runtime.pagePorts.filter((port) => port.listening > 0).length,
  };
});

// The same, seen from the background: each end is a port the server transport accepted, and
// the pages' raw ports relay among themselves.
describeTransportConformance('extension port, background ends', () => {
  const runtime = runtimeStandIn();
  const accepted: Transport[] = [];
  createExtensionServerTransport({ runtime: runtime.background }).accept((transport) =>
    accepted.push(transport),
  );
  const relays = new Set<RuntimePortLike>();
  return {
    connect() {
      const port = runtime.page.connect({ name: 'statesync' });
      relays.add(port);
      port.onMessage.addListener((message) => {
        for (const relay of relays) {
          // Its end may have closed with its disconnect still on the way.
          if (relay !== port && (relay as StandInPort).connected) relay.postMessage(message);
        }
      });
      port.onDisconnect.addListener(() => relays.delete(port));
      return accepted.at(-1)!;
    },
    openCount: () => runtime.backgroundPorts.filter((port) => port.listening > 0).length,
    cleanup() {
      for (const port of relays) port.disconnect();
    },
  };
});

describe('extension port values', () => {
  it('carries what JSON alone would lose: undefined, NaN, -0, BigInt, Date, Map, Set, RegExp', async () => {
    const runtime = runtimeStandIn();
    const server: Transport[] = [];
    createExtensionServerTransport({ runtime: runtime.background }).accept((transport) =>
      server.push(transport),
    );
    const page = createExtensionClientTransport({ runtime: runtime.page });
    const received: unknown[] = [];
    server[0]!.subscribe((message) => received.push(message));
    const sent = {
      value: undefined,
      list: [1, undefined, Number.NaN, Number.POSITIVE_INFINITY, -0],
      big: 12345678901234567890n,
      when: new Date(Date.UTC(2026, 0, 2)),
      index: new Map<unknown, unknown>([
        ['a', { at: new Date(0) }],
        [2, new Set(['x'])],
      ]),
      pattern: /a+b/gi,
      // A user object whose key looks like the codec's tag, and one named like the prototype.
      tricky: JSON.parse('{"$sj":"map","__proto__":{"polluted":true}}'),
    };
    page.send(sent);
    await waitUntil(() => received.length === 1, 'the message');
    const [got] = received as (typeof sent)[];
    expect(got).toEqual(sent);
    expect(Object.hasOwn(got!, 'value')).toBe(true);
    expect(Object.is(got!.list[4], -0)).toBe(true);
    expect(got!.index.get(2)).toBeInstanceOf(Set);
    expect(Object.getPrototypeOf(got!.tricky)).toBe(Object.prototype);
    expect(Object.hasOwn(got!.tricky, '__proto__')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    page.close();
  });

  it('refuses what cannot travel as JSON, naming where it is, and sends nothing', () => {
    const runtime = runtimeStandIn();
    createExtensionServerTransport({ runtime: runtime.background }).accept(() => {});
    const page = createExtensionClientTransport({ runtime: runtime.page });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [unknown, RegExp][] = [
      [{ args: [new Uint8Array(2)] }, /message\.args\[0\] is a Uint8Array/],
      [{ data: { node: cyclic } }, /message\.data\.node\.self .*cycle/],
      [{ map: new Map([['k', () => 1]]) }, /message\.map\[map entry 0\] is a function/],
    ];
    for (const [value, pattern] of cases) {
      let thrown: unknown;
      try {
        page.send(value);
      } catch (error) {
        thrown = error;
      }
      expect(isStateSyncError(thrown, 'not_cloneable')).toBe(true);
      expect((thrown as Error).message).toMatch(pattern);
    }
    expect(runtime.sent()).toBe(0);
    page.close();
  });
});

describe('extension links', () => {
  const apps: SharedApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.dispose()));
  });
  const start = (...args: Parameters<typeof createSharedApp>) => {
    const app = createSharedApp(...args);
    apps.push(app);
    return app;
  };

  const notes = defineStore({
    name: 'notes',
    state: () => ({ byDay: new Map<string, string>(), last: undefined as Date | undefined }),
    actions: {
      write(draft, day: string, text: string) {
        draft.byDay.set(day, text);
        draft.last = new Date(Date.UTC(2026, 0, 1));
      },
    },
  });

  const background = (runtime: ReturnType<typeof runtimeStandIn>) =>
    start({
      stores: [counter, notes],
      share: {
        name: 'ext-app',
        port: 'server',
        type: 'SharedWorker',
        transport: createExtensionServerTransport({ runtime: runtime.background }),
      },
      logger: quiet,
    });
  const page = (runtime: ReturnType<typeof runtimeStandIn>) =>
    start({
      stores: [counter, notes],
      share: {
        name: 'ext-app',
        port: 'client',
        type: 'SharedWorker',
        transport: createExtensionClientTransport({ runtime: runtime.page, logger: quiet }),
      },
      logger: quiet,
    });

  it('runs a shared app between a background and two pages', async () => {
    const runtime = runtimeStandIn();
    const server = background(runtime);
    const [a, b] = [page(runtime), page(runtime)];
    await Promise.all([a.ready, b.ready]);
    expect(await spawn(a.store(counter), 'increase', [2])).toBe(2);
    // An action that returns nothing resolves with undefined: the result keeps its value key.
    expect(await spawn(b.store(notes), 'write', ['mon', 'hello'])).toBeUndefined();
    await waitUntil(() => a.store(notes).getState().byDay.size === 1, 'the note on page a');
    expect(a.store(notes).getState().byDay).toEqual(new Map([['mon', 'hello']]));
    expect(a.store(notes).getState().last).toEqual(new Date(Date.UTC(2026, 0, 1)));
    await waitUntil(() => b.store(counter).getState().count === 2, 'the count on page b');
    expect(server.store(counter).getState()).toEqual({ count: 2 });
  });

  it('forgets a page whose port disconnected, without waiting for a send to fail', async () => {
    const runtime = runtimeStandIn();
    const accepted: Transport[] = [];
    createExtensionServerTransport({ runtime: runtime.background }).accept((transport) =>
      accepted.push(transport),
    );
    const received: unknown[] = [];
    const port = runtime.page.connect({ name: 'statesync' });
    accepted[0]!.subscribe((message) => received.push(message));
    port.disconnect();
    await waitUntil(() => received.length > 0, 'the farewell');
    expect(received).toEqual([{ v: PROTOCOL_VERSION, type: 'bye' }]);
    // Its transport now drops what is sent to it, until its owner closes it.
    expect(() => accepted[0]!.send({ late: true })).not.toThrow();
    accepted[0]!.close();
    expect(() => accepted[0]!.send({ late: true })).toThrow(/closed/);
  });

  it('leaves ports of other names alone', () => {
    const runtime = runtimeStandIn();
    const accepted: Transport[] = [];
    createExtensionServerTransport({ runtime: runtime.background, portName: 'mine' }).accept(
      (transport) => accepted.push(transport),
    );
    runtime.page.connect({ name: 'somebody-else' });
    runtime.page.connect({ name: 'mine' });
    expect(accepted).toHaveLength(1);
  });

  it('tells a connector once when the background stops, and connects again after', async () => {
    const runtime = runtimeStandIn();
    background(runtime);
    const connector = createExtensionConnector({ runtime: runtime.page, logger: quiet });
    const lost: string[] = [];
    const link = connector.connect((reason) => lost.push(reason));
    const received: unknown[] = [];
    link.subscribe((message) => received.push(message));
    link.send({ v: PROTOCOL_VERSION, type: 'hello', app: 'ext-app', version: '0', clientId: 'p1' });
    await waitUntil(() => received.length === 1, 'the welcome');
    expect(received[0]).toMatchObject({ type: 'welcome', app: 'ext-app' });

    runtime.stopBackground();
    await waitUntil(() => lost.length > 0, 'onLost');
    await macrotasks();
    expect(lost).toEqual(['the other end of the port disconnected']);
    // A lost link drops what is sent on it: the app re-sends on the next link.
    expect(() => link.send({ v: PROTOCOL_VERSION, type: 'bye' })).not.toThrow();
    link.close();

    // The browser starts the background script again for the next connection.
    const restarted = background(runtime);
    const again = connector.connect((reason) => lost.push(reason));
    const answers: unknown[] = [];
    again.subscribe((message) => answers.push(message));
    again.send({
      v: PROTOCOL_VERSION,
      type: 'hello',
      app: 'ext-app',
      version: '0',
      clientId: 'p1',
    });
    await waitUntil(() => answers.length === 1, 'the second welcome');
    expect(answers[0]).toMatchObject({ type: 'welcome' });
    expect(restarted.store(counter).getState()).toEqual({ count: 0 });
    again.close();
    expect(lost).toHaveLength(1);
  });

  it('reports why a connection failed when nothing listens in the background', async () => {
    const runtime = runtimeStandIn();
    const lost: string[] = [];
    createExtensionConnector({ runtime: runtime.page }).connect((reason) => lost.push(reason));
    await waitUntil(() => lost.length > 0, 'onLost');
    expect(lost).toEqual([
      'the port closed: Could not establish connection. Receiving end does not exist.',
    ]);
  });

  it('throws stopped when the extension runtime is gone, invalid_option when there is none', () => {
    const gone = {
      connect(): never {
        throw new Error('Extension context invalidated.');
      },
    };
    let thrown: unknown;
    try {
      createExtensionConnector({ runtime: gone }).connect(() => {});
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'stopped')).toBe(true);
    expect((thrown as Error).message).toMatch(/Extension context invalidated/);
    expect(() => createExtensionConnector()).toThrow(/no extension runtime/);
    expect(() => createExtensionServerTransport()).toThrow(/no extension runtime/);
  });
});
