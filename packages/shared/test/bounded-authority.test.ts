// An authority that a buggy app, a buggy storage or a silent peer cannot stall or bloat: every
// call gets an answer, bad copies are skipped, per-link state stays bounded.
import { isStateSyncError, PROTOCOL_VERSION, randomId } from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthorityHost } from '../src/authority/authority-host.js';
import {
  createSharedApp,
  defineStore,
  type SharedApp,
  type SharedErrorContext,
  spawn,
} from '../src/index.js';
import {
  createExtensionClientTransport,
  createExtensionServerTransport,
} from '../src/links/extension-transport.js';
import { createLocalLink } from '../src/links/local-link.js';
import { createTabHub, type TabHub } from '../src/links/tab-hub.js';
import { startSharedTab } from '../src/modes/shared-tab.js';
import type { StoreRecord } from '../src/store/store-record.js';
import { createTestBed, mockPairTransports, type TestBed } from '../src/testing.js';
import { runtimeStandIn } from './extension-runtime-stand-in.js';
import { MAX_U64, quiet, rejection, until } from './fake-authority.js';
import { counter, todos } from './stores.js';

let bed: TestBed | undefined;
const apps: SharedApp[] = [];
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
  await Promise.all(apps.splice(0).map((app) => app.dispose()));
});
const start = (...args: Parameters<typeof createSharedApp>) => {
  const app = createSharedApp(...args);
  apps.push(app);
  return app;
};

class Point {
  x = 1;
}

/** An authority of the counter store on a virtual clock that drops links silent for 1 s. */
const silentLinkHost = (clock: ReturnType<typeof createVirtualClock>) => {
  const host = createAuthorityHost({
    app: 'a',
    version: '0',
    logger: quiet,
    report: () => {},
    callTimeoutMs: 1_000,
    timers: clock,
    silentLinkMs: 1_000,
  });
  host.addStore(counter);
  return host;
};

const odd = defineStore({
  name: 'odd',
  state: () => ({ n: 0, slot: null as unknown }),
  actions: {
    unreadable() {
      const error = new Error('x');
      Object.defineProperty(error, 'message', {
        get() {
          throw new Error('no message for you');
        },
      });
      throw error;
    },
    bytes(draft) {
      draft.slot = new Uint8Array(2);
    },
    instance(draft) {
      draft.slot = new Point();
    },
    cycle(draft) {
      const node: Record<string, unknown> = {};
      node.self = node;
      draft.slot = { node };
    },
    returnsBytes(draft) {
      draft.n++;
      return new Uint16Array(1);
    },
    bump(draft) {
      draft.n++;
      return draft.n;
    },
  },
});

describe('every call gets an answer', () => {
  it('an error whose message getter throws is a remote error, not a timeout', async () => {
    bed = await createTestBed({ stores: [odd], callTimeoutMs: 3_000 });
    const error = await rejection(spawn(bed.clients[0]!.store(odd), 'unreadable', []));
    expect(isStateSyncError(error, 'remote')).toBe(true);
    const own = await rejection(spawn(bed.server.store(odd), 'unreadable', []));
    expect(isStateSyncError(own, 'remote')).toBe(true);
  });

  it("spawn on the authority's own app rejects with remote, as a client's would", async () => {
    bed = await createTestBed({ stores: [todos] });
    const error = await rejection(spawn(bed.server.store(todos), 'toggle', [7]));
    expect(isStateSyncError(error, 'remote')).toBe(true);
    expect(error).toMatchObject({
      remoteName: 'RangeError',
      message: 'no todo 7',
      store: 'todos',
      action: 'toggle',
    });
  });

  it('in Extension mode, what JSON cannot carry is refused when the action runs', async () => {
    const runtime = runtimeStandIn();
    const server = start({
      stores: [odd],
      share: {
        name: 'ext',
        port: 'server',
        type: 'Extension',
        transport: createExtensionServerTransport({ runtime: runtime.background }),
      },
      logger: quiet,
    });
    const page = start({
      stores: [odd],
      share: {
        name: 'ext',
        port: 'client',
        type: 'Extension',
        transport: createExtensionClientTransport({ runtime: runtime.page }),
      },
      callTimeoutMs: 3_000,
      logger: quiet,
    });
    await page.ready;
    const store = page.store(odd);
    const cases = [
      ['bytes', /^odd\.bytes state\.slot is a Uint8Array/],
      ['instance', /^odd\.instance state\.slot is a Point/],
      ['cycle', /^odd\.cycle state\.slot\.node\.self .*cycle/],
      ['returnsBytes', /^odd\.returnsBytes result is a Uint16Array/],
    ] as const;
    for (const [action, message] of cases) {
      const error = await rejection(spawn(store, action, []));
      expect(isStateSyncError(error, 'not_cloneable')).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
    // The state is as it was, and the page keeps up with the next change.
    expect(server.store(odd).getState()).toEqual({ n: 0, slot: null });
    expect(server.store(odd).status.getState().localRevision).toBe('0');
    expect(await spawn(store, 'bump', [])).toBe(1);
    expect(store.getState()).toEqual({ n: 1, slot: null });
  });
});

describe('stored and recovered copies are checked', () => {
  const bad: [string, unknown][] = [
    ['calls: [null]', { revision: '3', data: { count: 3 }, calls: [null] }],
    ['data: [1, 2] for an object store', { revision: '3', data: [1, 2], calls: [] }],
    ['the highest revision', { revision: MAX_U64, data: { count: 5 }, calls: [] }],
  ];
  for (const [what, stored] of bad) {
    it(`a stored copy with ${what} is reported and skipped, never served`, async () => {
      const errors: SharedErrorContext[] = [];
      const [client, serverEnd] = mockPairTransports();
      const server = start({
        stores: [counter],
        share: {
          name: 'sw',
          port: 'server',
          type: 'ServiceWorker',
          transport: serverEnd,
          storage: { get: () => stored, set() {} },
        },
        logger: quiet,
        onError: (context) => errors.push(context),
      });
      await server.ready;
      expect(errors.map((context) => `${context.error.code}:${context.error.reason}`)).toEqual([
        'storage:corrupt',
      ]);
      expect(server.store(counter).getState()).toEqual({ count: 0 });
      const page = start({
        stores: [counter],
        share: { name: 'sw', port: 'client', type: 'ServiceWorker', transport: client },
        logger: quiet,
      });
      await page.ready;
      expect(await spawn(page.store(counter), 'increase', [1])).toBe(1);
    });
  }

  it("a same-origin answer to a new leader's recovery at the highest revision is skipped", async () => {
    const clock = createVirtualClock();
    const warned: string[] = [];
    const handlers = new Map<string, ((body: unknown, from: string) => void)[]>();
    const forged = { revision: MAX_U64, data: { count: 41 }, calls: [] };
    const honest = { revision: '7', data: { count: 7 }, calls: [] };
    // The tabs' channel, with one honest tab and a script of the same origin answering too.
    const hub: TabHub = {
      id: 'me',
      signal(kind) {
        if (kind !== 'recover') return;
        for (const handler of handlers.get('state') ?? []) {
          handler({ counter: forged }, 'intruder');
          handler({ counter: honest }, 'other-tab');
        }
      },
      on(kind, handler) {
        handlers.set(kind, [...(handlers.get(kind) ?? []), handler]);
        return () => {};
      },
      link: () => mockPairTransports()[0],
      serve: () => ({ accept: () => () => {} }),
      close() {},
    };
    let recovered: Map<string, StoreRecord> | undefined;
    const stop = startSharedTab({
      app: 'tabs',
      hub,
      locks: undefined,
      timers: clock,
      logger: { ...quiet, warn: (message: string) => warned.push(message) },
      tabLockPrefix: 'tabs:tab:',
      copies: () => ({}),
      lead: (copies) => {
        recovered = copies;
      },
      follow: () => Promise.resolve(),
    });
    await clock.advance(5_000);
    stop();
    expect(recovered?.get('counter')).toEqual(honest);
    expect(warned).toEqual([expect.stringMatching(/recovered copy of "counter" is skipped/)]);
  });
});

describe('per-link state is bounded', () => {
  it('subscriptions to made-up topics are refused beyond a few, reported once', async () => {
    const errors: SharedErrorContext[] = [];
    bed = await createTestBed({ stores: [counter], onError: (context) => errors.push(context) });
    const raw = bed.hub.connect();
    raw.subscribe(() => {});
    raw.send({ v: 1, type: 'hello', app: 'test-app', version: '0', clientId: 'greedy' });
    for (let i = 0; i < 5_000; i++) raw.send({ v: 1, type: 'subscribe', topic: `made-up/${i}` });
    await until(() => errors.length > 0, 'the report');
    await bed.settle();
    expect(errors.map((context) => context.error.message)).toEqual([
      expect.stringMatching(/more than 32 topics of no store/),
    ]);
  });

  it('links that stop answering are dropped; links that answer stay', async () => {
    const clock = createVirtualClock();
    const host = silentLinkHost(clock);
    const open = (clientId: string, answers: boolean) => {
      const link = createLocalLink();
      host.connect(link.server);
      let heard = 0;
      link.client.subscribe((raw) => {
        heard++;
        const message = raw as { type: string; id: string };
        if (answers && message.type === 'emit') {
          link.client.send({ v: 1, type: 'emit-result', id: message.id, handled: false });
        }
      });
      link.client.send({ v: PROTOCOL_VERSION, type: 'hello', app: 'a', version: '0', clientId });
      link.client.send({ v: PROTOCOL_VERSION, type: 'subscribe', topic: 'a/counter' });
      return () => heard;
    };
    const ghosts = Array.from({ length: 200 }, (_, i) => open(`ghost-${i}`, false));
    const live = open('live', true);
    await clock.flush();
    const change = async () => {
      await host.call('counter', 'increase', [1]);
      await clock.flush();
    };
    await change();
    expect(ghosts.every((heard) => heard() >= 2)).toBe(true); // the welcome and the change
    for (let step = 0; step < 12; step++) {
      await clock.advance(500);
      await change();
    }
    const ghostsHeard = ghosts.map((heard) => heard());
    const liveHeard = live();
    await change();
    await change();
    expect(ghosts.map((heard) => heard())).toEqual(ghostsHeard);
    expect(live()).toBe(liveHeard + 2);
    host.dispose();
  });
});

describe('forged SharedTab hellos', () => {
  it("links made up by a page on the tabs' channel are dropped once silent; a real tab stays", async () => {
    const clock = createVirtualClock();
    const channel = `ghosts-${randomId()}`;
    const leader = createTabHub({ channel, id: 'leader', logger: quiet });
    const host = silentLinkHost(clock);
    const stopServing = leader.serve().accept((transport) => host.connect(transport));
    // A script of the same origin posts hellos in the name of 50 tabs that do not exist.
    const forger = new BroadcastChannel(channel);
    const postsTo = new Map<string, number>();
    const watcher = new BroadcastChannel(channel);
    watcher.onmessage = (event: MessageEvent) => {
      const to = (event.data as { to?: string }).to;
      if (to !== undefined) postsTo.set(to, (postsTo.get(to) ?? 0) + 1);
    };
    const link = (from: string, body: unknown) =>
      forger.postMessage({ statesyncTab: 1, kind: 'link', from, to: 'leader', body });
    const ghosts = Array.from({ length: 50 }, (_, i) => `ghost-${i}`);
    for (const ghost of ghosts) {
      link(ghost, { v: PROTOCOL_VERSION, type: 'hello', app: 'a', version: '0', clientId: ghost });
      link(ghost, { v: PROTOCOL_VERSION, type: 'subscribe', topic: 'a/counter' });
    }
    // A real tab, which answers what the leader asks.
    const tab = createTabHub({ channel, id: 'tab', logger: quiet });
    const real = tab.link('leader');
    real.subscribe((raw) => {
      const message = raw as { type: string; id: string };
      if (message.type === 'emit') {
        real.send({ v: PROTOCOL_VERSION, type: 'emit-result', id: message.id, handled: false });
      }
    });
    real.send({ v: PROTOCOL_VERSION, type: 'hello', app: 'a', version: '0', clientId: 'tab' });
    real.send({ v: PROTOCOL_VERSION, type: 'subscribe', topic: 'a/counter' });
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
      await clock.flush();
    };
    const change = async () => {
      await host.call('counter', 'increase', [1]);
      await settle();
    };
    await settle();
    await change();
    const heard = () => ghosts.reduce((sum, ghost) => sum + (postsTo.get(ghost) ?? 0), 0);
    expect(heard()).toBeGreaterThanOrEqual(2 * ghosts.length); // the welcome and the change
    for (let step = 0; step < 12; step++) {
      await clock.advance(500);
      await change();
    }
    const ghostPosts = heard();
    const tabPosts = postsTo.get('tab') ?? 0;
    await change();
    await change();
    expect(heard()).toBe(ghostPosts);
    expect(postsTo.get('tab')).toBeGreaterThanOrEqual(tabPosts + 2);
    stopServing();
    host.dispose();
    for (const end of [forger, watcher]) end.close();
    for (const hub of [tab, leader]) hub.close();
  });
});
