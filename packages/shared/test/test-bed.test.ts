import { afterEach, describe, expect, it } from 'vitest';
import { type SharedApp, spawn } from '../src/index.js';
import { createTestBed, type HubTraffic, type TestBed } from '../src/testing.js';
import { counter, settings, todos } from './stores.js';

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.dispose();
  expect(bed?.hub.openCount() ?? 0).toBe(0);
  bed = undefined;
});

/** Every client's copy of every store it loaded, next to the authority's. */
function expectMirrorsEqualAuthority(testBed: TestBed) {
  for (const client of testBed.clients) {
    for (const definition of [counter, todos, settings]) {
      let handle: ReturnType<SharedApp['store']>;
      try {
        handle = client.store(definition);
      } catch {
        continue;
      }
      const truth = testBed.server.store(definition);
      expect(handle.getState()).toEqual(truth.getState());
      expect(handle.status.getState().localRevision).toBe(truth.status.getState().localRevision);
    }
  }
}

describe('an authority and five clients', () => {
  it('gives every client the state, and every client read-your-writes on its calls', async () => {
    bed = await createTestBed({ stores: [counter, todos, settings], clients: 5 });
    for (const client of bed.clients) {
      expect(client.store(counter).getState()).toEqual({ count: 0 });
      expect(client.store(counter).status.getState().state).toBe('synced');
    }
    const [first] = bed.clients;
    const store = first!.store(todos);
    const id = await spawn(store, 'add', ['milk']);
    // Resolved only once this client's copy shows the change.
    expect(store.getState().items).toEqual([{ id, text: 'milk', done: false }]);
    await bed.settle();
    expectMirrorsEqualAuthority(bed);
  });

  it("keeps a store's status current whether or not anyone listens to it", async () => {
    bed = await createTestBed({ stores: [counter], clients: 1 });
    const handle = bed.clients[0]!.store(counter);
    const revision = () => bed!.server.store(counter).status.getState().localRevision;
    // Nobody listens: read on demand, one object while nothing moves.
    await spawn(handle, 'increase', [1]);
    const unwatched = handle.status.getState();
    expect(unwatched.localRevision).toBe(revision());
    expect(handle.status.getState()).toBe(unwatched);
    // A listener hears every change from now on, and nothing on subscribing.
    const heard: (string | undefined)[] = [];
    const off = handle.status.subscribe((status) => heard.push(status.localRevision));
    expect(heard).toEqual([]);
    await spawn(handle, 'increase', [1]);
    expect(heard.at(-1)).toBe(revision());
    expect(handle.status.getState().localRevision).toBe(revision());
    off();
    const count = heard.length;
    await spawn(handle, 'increase', [1]);
    expect(heard.length).toBe(count);
    expect(handle.status.getState().localRevision).toBe(revision());
  });

  it('applies concurrent calls from all clients exactly once each, in some order', async () => {
    bed = await createTestBed({ stores: [counter, todos], clients: 5 });
    const perClient = 20;
    const results = await Promise.all(
      bed.clients.flatMap((client) =>
        Array.from({ length: perClient }, (_, i) =>
          i % 2 === 0
            ? spawn(client.store(counter), 'increase', [1])
            : spawn(client.store(todos), 'add', [`item ${i}`]),
        ),
      ),
    );
    const total = bed.clients.length * perClient;
    // increase returns the new count: each call saw a different count, so each ran once.
    const counts = results.filter((_, index) => index % 2 === 0).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: total / 2 }, (_, i) => i + 1));
    const ids = results.filter((_, index) => index % 2 === 1).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: total / 2 }, (_, i) => i + 1));
    expect(bed.server.store(counter).getState()).toEqual({ count: total / 2 });
    expect(bed.server.store(todos).getState().items).toHaveLength(total / 2);
    await bed.settle();
    expectMirrorsEqualAuthority(bed);
  });

  it('gives a late joiner the full current state before it is ready', async () => {
    bed = await createTestBed({ stores: [counter, todos], clients: 2 });
    const [first] = bed.clients;
    await spawn(first!.store(counter), 'increase', [41]);
    await spawn(first!.store(todos), 'add', ['bread']);
    const late = await bed.addClient();
    const shown: unknown[] = [];
    late.store(counter).subscribe((state) => shown.push(state));
    expect(late.store(counter).getState()).toEqual({ count: 41 });
    expect(late.store(todos).getState().items).toEqual([{ id: 1, text: 'bread', done: false }]);
    await spawn(late.store(counter), 'increase', [1]);
    expect(shown).toEqual([{ count: 42 }]);
  });

  it('lets a client load a subset of the stores and sends it nothing of the others', async () => {
    bed = await createTestBed({
      stores: [counter, todos, settings],
      clients: 3,
      clientStores: (index) => (index === 2 ? [settings] : [counter, todos, settings]),
    });
    const traffic: HubTraffic[] = [];
    bed.hub.tap((entry) => traffic.push(entry));
    const [first, , panel] = bed.clients;
    expect(() => panel!.store(counter)).toThrowError(
      expect.objectContaining({ code: 'invalid_option' }),
    );
    await spawn(first!.store(counter), 'increase', [1]);
    await spawn(first!.store(todos), 'add', ['x']);
    await spawn(panel!.store(settings), 'setTheme', ['dark']);
    await bed.settle();
    expectMirrorsEqualAuthority(bed);
    const toPanel = traffic.filter((entry) => entry.link === 2 && entry.direction === 'to-client');
    const topics = new Set(toPanel.map((entry) => (entry.message as { topic?: string }).topic));
    expect(topics.has('test-app/settings')).toBe(true);
    expect(topics.has('test-app/counter')).toBe(false);
    expect(topics.has('test-app/todos')).toBe(false);
    // The others did hear of them: the filter is per client.
    expect(
      traffic.some(
        (e) => e.link === 0 && (e.message as { topic?: string }).topic === 'test-app/counter',
      ),
    ).toBe(true);
  });

  it('adds stores at run time, whichever side loads them first', async () => {
    bed = await createTestBed({ stores: [counter], clients: 2 });
    const [a, b] = bed.clients;
    // The authority first, then a client.
    await bed.server.addStore(todos);
    const list = await a!.addStore(todos);
    expect(list.getState()).toEqual({ items: [], filter: 'all' });
    await spawn(list, 'add', ['late module']);
    // A client first: it waits for the authority to load the module too.
    const early = b!.addStore(settings);
    await bed.server.addStore(settings);
    const panel = await early;
    await bed.settle();
    expect(panel.getState()).toEqual({ theme: 'light', fontSize: 14 });
    await spawn(panel, 'setTheme', ['dark']);
    expect(panel.getState().theme).toBe('dark');
    await bed.settle();
    expectMirrorsEqualAuthority(bed);
  });

  it('sends one invalidation per store and client for all the calls of one task', async () => {
    bed = await createTestBed({ stores: [counter, todos], clients: 3 });
    const traffic: HubTraffic[] = [];
    bed.hub.tap((entry) => traffic.push(entry));
    const [first] = bed.clients;
    const calls = [
      ...Array.from({ length: 10 }, () => spawn(first!.store(counter), 'increase', [1])),
      ...Array.from({ length: 5 }, (_, i) => spawn(first!.store(todos), 'add', [`t${i}`])),
    ];
    await Promise.all(calls);
    await bed.settle();
    const invalidations = traffic.filter(
      (entry) => (entry.message as { type?: string }).type === 'invalidate',
    );
    for (let link = 0; link < 3; link++) {
      const mine = invalidations.filter((entry) => entry.link === link);
      const byTopic = (topic: string) =>
        mine.filter((entry) => (entry.message as { topic: string }).topic === topic);
      expect(byTopic('test-app/counter')).toHaveLength(1);
      expect(byTopic('test-app/todos')).toHaveLength(1);
      // One delta with every op, from the first base to the last revision.
      expect(byTopic('test-app/counter')[0]!.message).toMatchObject({
        revision: '10',
        delta: { base: '0' },
      });
      expect(
        (byTopic('test-app/counter')[0]!.message as { delta: { ops: unknown[] } }).delta.ops,
      ).toHaveLength(10);
    }
    // No pulls were needed: every client applied the delta.
    expect(
      traffic.filter((entry) => (entry.message as { type?: string }).type === 'pull'),
    ).toHaveLength(0);
    expectMirrorsEqualAuthority(bed);
  });

  it('batches the authority’s own calls of one task too', async () => {
    bed = await createTestBed({ stores: [counter], clients: 1 });
    const traffic: HubTraffic[] = [];
    bed.hub.tap((entry) => traffic.push(entry));
    const store = bed.server.store(counter);
    const seen: unknown[] = [];
    store.subscribe((state) => seen.push(state));
    const values = await Promise.all([1, 2, 3].map((by) => spawn(store, 'increase', [by])));
    expect(values).toEqual([1, 3, 6]);
    await bed.settle();
    expect(seen).toEqual([{ count: 6 }]);
    expect(
      traffic.filter((e) => (e.message as { type?: string }).type === 'invalidate'),
    ).toHaveLength(1);
  });
});
