import { createMessagePortTransport, PROTOCOL_VERSION, type Transport } from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPullQueue } from '../src/authority/pull-queue.js';
import { createSharedApp, defineStore, type SharedApp, spawn } from '../src/index.js';
import {
  createExtensionClientTransport,
  createExtensionServerTransport,
} from '../src/links/extension-transport.js';
import type { ServerTransport } from '../src/types.js';
import { isJsonPlain } from '../src/wire/json-text.js';
import { runtimeStandIn } from './extension-runtime-stand-in.js';
import { fakeAuthority, until } from './fake-authority.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
type Sent = Record<string, unknown>;

describe('isJsonPlain', () => {
  it('takes what JSON gives back exactly as a structured clone would', () => {
    const plain = [
      'text',
      0,
      1.5,
      -3,
      true,
      null,
      [],
      {},
      { a: [1, { b: 'c' }], d: null },
      Object.assign(Object.create(null), { x: 1 }),
      { ['__proto__']: 1 },
    ];
    for (const value of plain) expect(isJsonPlain(value), JSON.stringify(value)).toBe(true);
  });

  it('refuses what JSON would drop or change', () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3; // index 1 is a hole
    const notPlain: [string, unknown][] = [
      ['undefined', undefined],
      ['undefined in an object', { a: undefined }],
      ['undefined in an array', [undefined]],
      ['a hole', sparse],
      ['NaN', Number.NaN],
      ['Infinity', [Number.POSITIVE_INFINITY]],
      ['-0', { zero: -0 }],
      ['a bigint', 1n],
      ['a Date', { at: new Date(0) }],
      ['a Map', new Map([[1, 2]])],
      ['a Set', [new Set([1])]],
      ['a typed array', { bytes: new Uint8Array(2) }],
      ['a RegExp', /x/],
      ['a class instance', new (class Point {})()],
      ['a function', { f: () => 1 }],
    ];
    for (const [what, value] of notPlain) expect(isJsonPlain(value), what).toBe(false);
  });

  it('answers false for data nested deeper than the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(isJsonPlain(deep)).toBe(false);
  });
});

/** A server transport whose links record what the authority sends. */
function recording(inner: ServerTransport, sent: Sent[]): ServerTransport {
  const record = (transport: Transport): Transport => ({
    ...transport,
    send(message) {
      sent.push(message as Sent);
      transport.send(message);
    },
    subscribe: (listener) => transport.subscribe(listener),
    close: () => transport.close(),
  });
  return {
    ...(inner.medium && { medium: inner.medium }),
    accept: (onConnection) => inner.accept((transport) => onConnection(record(transport))),
  };
}

/** A server transport over real MessageChannels: `link()` opens one and returns the client end. */
function channels() {
  let accept: ((transport: Transport) => void) | undefined;
  return {
    server: {
      accept(onConnection) {
        accept = onConnection;
        return () => {
          accept = undefined;
        };
      },
    } satisfies ServerTransport,
    link() {
      const { port1, port2 } = new MessageChannel();
      accept!(createMessagePortTransport(port2));
      return createMessagePortTransport(port1);
    },
  };
}

const lists = defineStore({
  name: 'lists',
  state: () => ({ items: [] as { id: number; label: string }[] }),
  actions: {
    fill(draft, count: number) {
      draft.items = Array.from({ length: count }, (_, id) => ({ id, label: `item ${id}` }));
    },
  },
});

const rich = defineStore({
  name: 'rich',
  state: () => ({
    byId: new Map([[1, 'one']]),
    tags: new Set(['a']),
    at: new Date(Date.UTC(2026, 0, 2)),
    bytes: new Uint8Array([1, 2, 3]),
    missing: undefined as number | undefined,
    ratio: Number.NaN,
  }),
  actions: {},
});

/** A store that is plain JSON until `stamp` writes a Date, and again after `clear`. */
const stamped = defineStore({
  name: 'stamped',
  state: (): { at: Date | number } => ({ at: 0 }),
  actions: {
    stamp(draft) {
      draft.at = new Date(Date.UTC(2026, 5, 1));
    },
    clear(draft) {
      draft.at = 1;
    },
  },
});

const snapshotsOf = (sent: Sent[], store: string) =>
  sent.filter((message) => message.type === 'snapshot' && message.topic === `enc/${store}`);

describe('snapshots as JSON text', () => {
  const apps: SharedApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.dispose()));
  });
  const start = (...args: Parameters<typeof createSharedApp>) => {
    const app = createSharedApp(...args);
    apps.push(app);
    return app;
  };
  const serve = (server: ServerTransport) =>
    start({
      stores: [lists, rich, stamped],
      share: { name: 'enc', port: 'server', type: 'SharedWorker', transport: server },
      logger: quiet,
    });
  const join = (transport: Transport) =>
    start({
      stores: [lists, rich, stamped],
      share: { name: 'enc', port: 'client', type: 'SharedWorker', transport },
      logger: quiet,
    });

  it('sends plain state as one JSON string per store and the client shows it', async () => {
    const sent: Sent[] = [];
    const links = channels();
    const server = serve(recording(links.server, sent));
    await server.ready;
    await spawn(server.store(lists), 'fill', [50]);
    const client = join(links.link());
    await client.ready;
    const [snapshot] = snapshotsOf(sent, 'lists');
    expect(snapshot).toMatchObject({ encoding: 'json' });
    expect(typeof snapshot!.data).toBe('string');
    expect(client.store(lists).getState()).toEqual(server.store(lists).getState());
    expect(client.store(lists).getState().items).toHaveLength(50);
  });

  it('sends state JSON would change (Map, Set, Date, typed array, undefined, NaN) as structured data', async () => {
    const sent: Sent[] = [];
    const links = channels();
    const server = serve(recording(links.server, sent));
    await server.ready;
    const client = join(links.link());
    await client.ready;
    const [snapshot] = snapshotsOf(sent, 'rich');
    expect(snapshot).not.toHaveProperty('encoding');
    const state = client.store(rich).getState();
    expect(state.byId).toEqual(new Map([[1, 'one']]));
    expect(state.tags).toEqual(new Set(['a']));
    expect(state.at).toEqual(new Date(Date.UTC(2026, 0, 2)));
    expect(state.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(state).toHaveProperty('missing', undefined);
    expect(state.ratio).toBeNaN();
  });

  it('follows a store that changes from plain to not and back', async () => {
    const sent: Sent[] = [];
    const links = channels();
    const server = serve(recording(links.server, sent));
    await server.ready;
    const encodings: unknown[] = [];
    const joinNow = async () => {
      const client = join(links.link());
      await client.ready;
      encodings.push(snapshotsOf(sent, 'stamped').at(-1)?.encoding);
      return client.store(stamped).getState().at;
    };
    expect(await joinNow()).toBe(0);
    await spawn(server.store(stamped), 'stamp', []);
    expect(await joinNow()).toEqual(new Date(Date.UTC(2026, 5, 1)));
    await spawn(server.store(stamped), 'clear', []);
    expect(await joinNow()).toBe(1);
    expect(encodings).toEqual(['json', undefined, 'json']);
  });

  it('never sends JSON text over a JSON medium (extension ports), where tags carry the rest', async () => {
    const sent: Sent[] = [];
    const runtime = runtimeStandIn();
    const server = serve(
      recording(createExtensionServerTransport({ runtime: runtime.background }), sent),
    );
    await server.ready;
    await spawn(server.store(lists), 'fill', [3]);
    const client = join(createExtensionClientTransport({ runtime: runtime.page, logger: quiet }));
    await client.ready;
    const snapshots = sent.filter((message) => message.type === 'snapshot');
    expect(snapshots.length).toBeGreaterThan(0);
    for (const snapshot of snapshots) expect(snapshot).not.toHaveProperty('encoding');
    expect(client.store(lists).getState().items).toHaveLength(3);
    expect(client.store(rich).getState().byId).toEqual(new Map([[1, 'one']]));
  });

  it('sends structured data to a client that did not say it decodes JSON text', async () => {
    const sent: Sent[] = [];
    const links = channels();
    const server = serve(recording(links.server, sent));
    await server.ready;
    const raw = links.link();
    const heard: Sent[] = [];
    raw.subscribe((message) => heard.push(message as Sent));
    raw.send({ v: PROTOCOL_VERSION, type: 'hello', app: 'enc', version: '0', clientId: 'old' });
    raw.send({ v: PROTOCOL_VERSION, type: 'pull', id: 'p1', topic: 'enc/lists' });
    await until(() => heard.some((message) => message.type === 'snapshot'), 'the snapshot');
    const snapshot = heard.find((message) => message.type === 'snapshot');
    expect(snapshot).not.toHaveProperty('encoding');
    expect(snapshot!.data).toEqual({ items: [] });
    raw.close();
  });

  it('refuses JSON text that does not parse: the pull fails and nothing is applied', async () => {
    const authority = fakeAuthority('fake', (_pull, n) =>
      n === 1
        ? { revision: '1', data: '{"count": 1', encoding: 'json' }
        : { revision: '2', data: '{"count":2}', encoding: 'json' },
    );
    const counter = defineStore({ name: 'counter', state: () => ({ count: 0 }), actions: {} });
    const errors: string[] = [];
    const client = start({
      stores: [counter],
      share: { name: 'fake', port: 'client', type: 'SharedWorker', transport: authority.client },
      logger: quiet,
      onError: ({ error }) => errors.push(error.message),
    });
    await until(() => errors.length > 0, 'the refused snapshot');
    const hello = authority.received.find((message) => message.type === 'hello');
    expect(hello?.encodings).toEqual(['json']);
    expect(errors[0]).toMatch(/JSON data does not parse/);
    expect(client.store(counter).getState()).toEqual({ count: 0 });
    // A newer revision announced: the next pull's well-formed answer is applied.
    authority.send({
      v: PROTOCOL_VERSION,
      type: 'invalidate',
      topic: 'fake/counter',
      revision: '2',
      epoch: 'e1',
    });
    await until(() => client.store(counter).getState().count === 2, 'the second snapshot');
  });
});

describe('the pull queue', () => {
  it('answers at once until a burst used its slice, then in slices of their own tasks', () => {
    let clock = 0;
    const tasks: (() => void)[] = [];
    const queue = createPullQueue({
      now: () => clock,
      later: (task) => tasks.push(task),
      sliceMs: 8,
    });
    const answered: number[] = [];
    const job = (n: number, ms: number) => () => {
      clock += ms;
      answered.push(n);
    };
    queue.push(job(1, 5));
    queue.push(job(2, 5)); // 10 ms spent in this burst: the slice is used up
    expect(answered).toEqual([1, 2]);
    queue.push(job(3, 5));
    queue.push(job(4, 5));
    queue.push(job(5, 5));
    expect(answered).toEqual([1, 2]);
    expect(tasks).toHaveLength(1);
    tasks.shift()!(); // 3 and 4 use this slice; 5 waits for the next task
    expect(answered).toEqual([1, 2, 3, 4]);
    expect(tasks).toHaveLength(1);
    tasks.shift()!();
    expect(answered).toEqual([1, 2, 3, 4, 5]);
    expect(tasks).toHaveLength(0);
    // After a pause longer than a slice, a new burst starts with a fresh budget.
    clock += 20;
    queue.push(job(6, 1));
    expect(answered.at(-1)).toBe(6);
    queue.stop();
    queue.push(job(7, 1));
    expect(answered.at(-1)).toBe(6);
  });
});
