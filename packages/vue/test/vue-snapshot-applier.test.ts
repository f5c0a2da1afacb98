import {
  createAuthority,
  createMemoryHub,
  createRevisionSync,
  createTransportProvider,
  createTransportSubscriber,
  isStateSyncError,
  type PatchOp,
  type SnapshotApplier,
  serveAuthority,
} from '@statesync/core';
import { createVueSnapshotApplier } from '@statesync/vue';
import { describe, expect, it } from 'vitest';
import {
  computed,
  effectScope,
  isRef,
  nextTick,
  reactive,
  readonly,
  ref,
  shallowReactive,
  shallowRef,
  toRaw,
  type WatchSource,
  watch,
  watchEffect,
} from 'vue';

type Item = { id: number; done: boolean; note?: { text: string; tag?: string } };
type Todos = { items: Item[]; filter: string; meta: Record<string, unknown>; local: string };

const snapshot = <T>(data: T, revision = '1') => ({ revision, data });
const delta = (ops: PatchOp[], base = '1', revision = String(Number(base) + 1)) => ({
  base,
  revision,
  ops,
});

function items(count: number): Item[] {
  return Array.from({ length: count }, (_, id) => ({ id, done: false }));
}

const todos = (): Todos => ({ items: [], filter: 'all', meta: {}, local: 'mine' });

/** Counts a deep watch's callbacks: synchronous ones, and default (pre-flush) ones. */
function countWatch(source: WatchSource | object) {
  const counts = { sync: 0, pre: 0 };
  watch(source as WatchSource, () => counts.sync++, { deep: true, flush: 'sync' });
  watch(source as WatchSource, () => counts.pre++, { deep: true });
  return counts;
}

async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('createVueSnapshotApplier with reactive()', () => {
  it('applies a snapshot and a delta in place, one deep watch run each', async () => {
    const state = reactive(todos());
    const applier = createVueSnapshotApplier(state);
    const counts = countWatch(state);

    await applier.apply(snapshot({ items: items(3), filter: 'open', meta: {} }));
    await nextTick();
    expect(state.items).toHaveLength(3);
    expect(state.filter).toBe('open');
    // One pre-flush run; a synchronous watcher sees each written key (items, filter; meta is new).
    expect(counts).toEqual({ sync: 3, pre: 1 });

    const first = toRaw(state.items[0]);
    await applier.applyPatch?.(
      delta([
        { op: 'replace', path: ['items', 1, 'done'], value: true },
        { op: 'add', path: ['items', '-'], value: { id: 3, done: false } },
      ]),
    );
    await nextTick();
    expect(state.items.map((item) => item.done)).toEqual([false, true, false, false]);
    expect(toRaw(state.items[0])).toBe(first);
    expect(counts).toEqual({ sync: 5, pre: 2 });
  });

  it("'patch' mode removes only keys the authority dropped; 'replace' removes every synced key", async () => {
    const patched = reactive<Partial<Todos>>(todos());
    const patchApplier = createVueSnapshotApplier(patched);
    await patchApplier.apply(snapshot({ items: [], filter: 'all', meta: { a: 1 } }));
    await patchApplier.apply(snapshot({ items: [], meta: { a: 1 } }, '2'));
    expect(patched).toEqual({ items: [], meta: { a: 1 }, local: 'mine' });

    const replaced = reactive<Partial<Todos>>(todos());
    await createVueSnapshotApplier(replaced, { mode: 'replace' }).apply(
      snapshot({ items: [], meta: {} }),
    );
    expect(replaced).toEqual({ items: [], meta: {} });
  });

  it('keeps local-only keys through snapshots and deltas (pickKeys and omitKeys)', async () => {
    for (const options of [
      { mode: 'replace', pickKeys: ['items', 'filter', 'meta'] },
      { mode: 'replace', omitKeys: ['local'] },
    ] as const) {
      const state = reactive(todos());
      const applier = createVueSnapshotApplier(state, options);
      state.local = 'typed';
      await applier.apply(snapshot({ items: [], filter: 'all', meta: {}, local: 'remote' }));
      expect(state.local).toBe('typed');
      const counts = countWatch(() => state.local);
      await applier.applyPatch?.(
        delta([
          { op: 'replace', path: ['local'], value: 'remote' },
          { op: 'replace', path: ['filter'], value: 'done' },
        ]),
      );
      expect(state).toEqual({ items: [], filter: 'done', meta: {}, local: 'typed' });
      expect(counts.sync).toBe(0);
    }
  });

  it('checks pickKeys and omitKeys against the state keys', () => {
    createVueSnapshotApplier(reactive(todos()), { pickKeys: ['items'], omitKeys: ['local'] });
    // @ts-expect-error: 'nope' is not a key of the state
    createVueSnapshotApplier(reactive(todos()), { pickKeys: ['nope'] });
    // @ts-expect-error: 'nope' is not a key of the ref's value
    createVueSnapshotApplier(ref<Todos | null>(null), { omitKeys: ['nope'] });
    // Fits wherever an applier of the authority's full state type is expected.
    const applier: SnapshotApplier<Todos> = createVueSnapshotApplier(reactive(todos()));
    expect(applier.applyPatch).toBeTypeOf('function');
  });

  it('delivers nested removals, by snapshot and by delta', async () => {
    const state = reactive(todos());
    const applier = createVueSnapshotApplier(state);
    await applier.apply(snapshot({ meta: { a: { b: 1, c: 2 } } }));
    await applier.apply(snapshot({ meta: { a: { b: 1 } } }, '2'));
    expect(state.meta).toEqual({ a: { b: 1 } });

    await applier.apply(
      snapshot({ items: [{ id: 1, done: false, note: { text: 'x', tag: 't' } }] }),
    );
    await applier.applyPatch?.(delta([{ op: 'remove', path: ['items', 0, 'note', 'tag'] }]));
    expect(state.items[0]?.note).toEqual({ text: 'x' });
    expect(Object.hasOwn(state.items[0]!.note!, 'tag')).toBe(false);
  });

  it('maps snapshots and deltas with toState', async () => {
    const state = reactive(todos());
    type Remote = { todos: Item[]; view: { filter: string } };
    const applier = createVueSnapshotApplier(state, {
      toState: (data: Remote) => ({ items: data.todos, filter: data.view.filter }),
    });
    await applier.apply(snapshot({ todos: items(2), view: { filter: 'all' } }));
    const firstItems = toRaw(state.items);
    const counts = countWatch(() => state.items);
    await applier.applyPatch?.(delta([{ op: 'replace', path: ['view', 'filter'], value: 'open' }]));
    expect(state.filter).toBe('open');
    // The items kept their identity through the mapping, so they were not written again.
    expect(toRaw(state.items)).toBe(firstItems);
    expect(counts.sync).toBe(0);
  });

  it('a one-item delta on a 10,000-item list re-runs exactly one per-item effect', async () => {
    for (const holder of ['reactive', 'ref'] as const) {
      const box = ref({ ...todos(), items: items(10_000) });
      const state = holder === 'ref' ? undefined : reactive({ ...todos(), items: items(10_000) });
      const read = () => (state ?? box.value).items;
      const applier = createVueSnapshotApplier(state ?? box);

      const runs = new Array<number>(10_000).fill(0);
      const scope = effectScope();
      scope.run(() => {
        for (let i = 0; i < 10_000; i++) {
          watchEffect(
            () => {
              void read()[i]?.done;
              runs[i]!++;
            },
            { flush: 'sync' },
          );
        }
      });
      await applier.applyPatch?.(
        delta([{ op: 'replace', path: ['items', 4242, 'done'], value: true }]),
      );
      scope.stop();

      expect(runs.flatMap((n, i) => (n === 1 ? [] : [[i, n]]))).toEqual([[4242, 2]]);
      expect(read()[4242]?.done).toBe(true);
    }
  });

  it('a failing delta leaves the state unchanged and throws a StateSyncError', async () => {
    const state = reactive(todos());
    const applier = createVueSnapshotApplier(state);
    await applier.apply(snapshot({ items: items(2) }));
    const before = structuredClone(toRaw(state));
    const error = await thrown(() =>
      applier.applyPatch?.(
        delta([
          { op: 'replace', path: ['items', 0, 'done'], value: true },
          { op: 'remove', path: ['items', 5] },
        ]),
      ),
    );
    expect(isStateSyncError(error) && error.code).toBe('protocol');
    expect(toRaw(state)).toEqual(before);
  });

  it('never mutates the snapshots and delta values it is given', async () => {
    const data = { items: items(2), filter: 'all' };
    const added = { id: 2, done: false, note: { text: 'x' } };
    const ops: PatchOp[] = [
      { op: 'add', path: ['items', '-'], value: added },
      { op: 'replace', path: ['items', 0, 'done'], value: true },
      { op: 'remove', path: ['items', 2, 'note', 'text'] },
    ];
    // One engine's snapshot and delta fanned out to four targets.
    const targets = [
      reactive(todos()),
      ref(todos()),
      shallowRef(todos()),
      shallowReactive(todos()),
    ];
    for (const target of targets) {
      const applier = createVueSnapshotApplier(target);
      await applier.apply(snapshot(data));
      await applier.applyPatch?.(delta(ops));
    }
    for (const target of targets) {
      expect(isRef(target) ? target.value.items : target.items).toEqual([
        { id: 0, done: true },
        { id: 1, done: false },
        { id: 2, done: false, note: {} },
      ]);
    }
    expect(data).toEqual({ items: items(2), filter: 'all' });
    expect(added).toEqual({ id: 2, done: false, note: { text: 'x' } });
  });

  it('refuses a readonly or non-reactive target', () => {
    for (const target of [{ a: 1 }, readonly(reactive({ a: 1 })), readonly(ref(1))]) {
      let error: unknown;
      try {
        createVueSnapshotApplier(target);
      } catch (caught) {
        error = caught;
      }
      expect(isStateSyncError(error) && error.code).toBe('invalid_option');
    }
  });
});

describe('createVueSnapshotApplier with ref()', () => {
  it('writes an object value in place: one deep watch run per apply', async () => {
    const state = ref(todos());
    const applier = createVueSnapshotApplier(state);
    const holder = state.value;
    const counts = countWatch(state);
    await applier.apply(snapshot({ items: items(2), filter: 'open' }));
    await nextTick();
    await applier.applyPatch?.(delta([{ op: 'remove', path: ['items', 0] }]));
    await nextTick();
    expect(state.value).toBe(holder);
    expect(state.value.items).toEqual([{ id: 1, done: false }]);
    expect(counts.pre).toBe(2);
  });

  it("replaces a value that is not an object in 'replace' mode", async () => {
    const count = ref(0);
    const applier = createVueSnapshotApplier(count, { mode: 'replace' });
    const seen: number[] = [];
    watch(count, (value) => seen.push(value), { flush: 'sync' });
    await applier.apply(snapshot(5));
    await applier.applyPatch?.(delta([{ op: 'replace', path: [], value: 6 }]));
    expect(seen).toEqual([5, 6]);

    const list = ref<string[]>([]);
    await createVueSnapshotApplier(list, { mode: 'replace' }).apply(snapshot(['a', 'b']));
    expect(list.value).toEqual(['a', 'b']);

    // 'patch' mode merges objects only.
    const error = await thrown(() => createVueSnapshotApplier(ref(0)).apply(snapshot(1)));
    expect(isStateSyncError(error) && error.code).toBe('apply_failed');
  });

  it('fills a ref that starts empty with the first snapshot', async () => {
    const state = ref<Todos | null>(null);
    const applier = createVueSnapshotApplier(state, { omitKeys: ['local'] });
    await applier.apply(snapshot({ items: items(1), filter: 'all', meta: {}, local: 'x' }));
    expect(state.value).toEqual({ items: items(1), filter: 'all', meta: {} });
    await applier.applyPatch?.(delta([{ op: 'replace', path: ['filter'], value: 'open' }]));
    expect(state.value?.filter).toBe('open');
  });
});

describe('createVueSnapshotApplier with shallowRef()', () => {
  it('replaces .value once per apply, sharing every unchanged item', async () => {
    const state = shallowRef(todos());
    const applier = createVueSnapshotApplier(state, { omitKeys: ['local'] });
    let runs = 0;
    watch(state, () => runs++, { flush: 'sync' });

    await applier.apply(snapshot({ items: items(10_000), filter: 'all', meta: {} }));
    expect(runs).toBe(1);
    expect(state.value.local).toBe('mine');

    const before = state.value;
    const scope = effectScope();
    const changed: number[] = [];
    scope.run(() => {
      for (let i = 0; i < 10_000; i++) {
        const item = computed(() => state.value.items[i]);
        watch(item, () => changed.push(i), { flush: 'sync' });
      }
    });
    await applier.applyPatch?.(
      delta([{ op: 'replace', path: ['items', 4242, 'done'], value: true }]),
    );
    scope.stop();

    expect(runs).toBe(2);
    expect(state.value).not.toBe(before);
    expect(before.items[4242]?.done).toBe(false);
    expect(state.value.items[4242]?.done).toBe(true);
    // Every other item kept its identity, so only the changed item's dependents ran.
    expect(changed).toEqual([4242]);
    expect(state.value.items[0]).toBe(before.items[0]);
    expect(state.value.meta).toBe(before.meta);
  });

  it('delivers nested removals and leaves the value untouched by a failing delta', async () => {
    const state = shallowRef(todos());
    const applier = createVueSnapshotApplier(state);
    await applier.apply(snapshot({ meta: { a: { b: 1, c: 2 } } }));
    await applier.applyPatch?.(delta([{ op: 'remove', path: ['meta', 'a', 'c'] }]));
    expect(state.value.meta).toEqual({ a: { b: 1 } });

    const before = state.value;
    let runs = 0;
    watch(state, () => runs++, { flush: 'sync' });
    const error = await thrown(() =>
      applier.applyPatch?.(delta([{ op: 'replace', path: ['meta', 'x', 'y'], value: 1 }], '2')),
    );
    expect(isStateSyncError(error) && error.code).toBe('protocol');
    expect(state.value).toBe(before);
    expect(runs).toBe(0);
  });
});

describe('createVueSnapshotApplier with shallowReactive()', () => {
  it('gives a changed top-level key a new value, so its watchers run', async () => {
    const state = shallowReactive(todos());
    const applier = createVueSnapshotApplier(state);
    await applier.apply(snapshot({ items: items(2), meta: { a: 1 } }));
    const meta = state.meta;
    let runs = 0;
    watch(
      () => state.items,
      () => runs++,
      { flush: 'sync' },
    );
    await applier.applyPatch?.(delta([{ op: 'replace', path: ['items', 1, 'done'], value: true }]));
    expect(runs).toBe(1);
    expect(state.items[1]?.done).toBe(true);
    expect(state.meta).toBe(meta);
    await applier.applyPatch?.(delta([{ op: 'remove', path: ['meta'] }], '2'));
    expect(Object.hasOwn(state, 'meta')).toBe(false);
  });
});

describe('createVueSnapshotApplier through the real engine', () => {
  it('receives the snapshot, then deltas, from an authority', async () => {
    const state = reactive(todos());
    type Doc = { items: Item[]; filter: string };
    const authority = createAuthority<Doc>({
      topic: 'todos',
      data: { items: items(3), filter: 'all' },
      epoch: 'e1',
    });
    const hub = createMemoryHub();
    const server = hub.connect();
    const client = hub.connect();
    const stopServing = serveAuthority(authority, server);
    const sync = createRevisionSync<Doc>({
      topic: 'todos',
      subscriber: createTransportSubscriber(client),
      provider: createTransportProvider<Doc>(client, 'todos'),
      applier: createVueSnapshotApplier(state, { omitKeys: ['local'] }),
      throttling: {},
    });
    const counts = countWatch(state);
    await sync.start();
    await nextTick();
    expect(state.items).toHaveLength(3);
    expect(counts.pre).toBe(1);

    const first = toRaw(state.items[0]);
    authority.patch([{ op: 'replace', path: ['items', 2, 'done'], value: true }]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    authority.patch([{ op: 'replace', path: ['filter'], value: 'done' }]);
    await new Promise<void>((resolve) => setImmediate(resolve));

    expect(state.items[2]?.done).toBe(true);
    expect(state.filter).toBe('done');
    expect(state.local).toBe('mine');
    expect(toRaw(state.items[0])).toBe(first);
    expect(sync.getLocalRevision()).toBe('2');
    expect(counts.pre).toBe(3);
    await sync.stop();
    stopServing();
    client.close();
    server.close();
  });
});
