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
import { createPiniaSnapshotApplier } from '@statesync/pinia';
import { createPinia, defineStore, type StoreGeneric, setActivePinia } from 'pinia';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type App,
  type Component,
  computed,
  defineComponent,
  effectScope,
  h,
  nextTick,
  type PropType,
  ref,
  watch,
  watchEffect,
} from 'vue';
import { createHostApp, createRoot, type HostNode, textOf } from './host.js';

type Item = { id: number; done: boolean; note?: { text: string; tag?: string } };

let app: App<HostNode> | undefined;

/** A real, mounted Vue app with Pinia installed, as an application has it. */
function installPinia(component: Component = { render: () => null }): HostNode {
  app?.unmount();
  app = createHostApp(component);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  const root = createRoot();
  app.mount(root);
  return root;
}

afterEach(() => {
  app?.unmount();
  app = undefined;
});

const useSettings = defineStore('settings', {
  state: () => ({ theme: 'light', fontSize: 12, draft: '' }),
  actions: {
    setDraft(draft: string) {
      this.draft = draft;
    },
  },
});

const useTodos = defineStore('todos', {
  state: () => ({
    items: [] as Item[],
    filter: 'all',
    meta: {} as Record<string, unknown>,
    local: 'mine',
  }),
});

const useSetupTodos = defineStore('setup-todos', () => {
  const items = ref<Item[]>([]);
  const filter = ref<string | undefined>('all');
  const local = ref('mine');
  const count = computed(() => items.value.length);
  const clear = () => {
    items.value = [];
  };
  return { items, filter, local, count, clear };
});

/** Counts `$subscribe` callbacks, synchronous ones and default (pre-flush) ones apart. */
function countSubscriptions(store: StoreGeneric) {
  const counts = { sync: 0, pre: 0 };
  store.$subscribe(() => counts.sync++, { flush: 'sync' });
  store.$subscribe(() => counts.pre++);
  return counts;
}

const snapshot = <T>(data: T, revision = '1') => ({ revision, data });
const delta = (ops: PatchOp[], base = '1', revision = String(Number(base) + 1)) => ({
  base,
  revision,
  ops,
});

function items(count: number): Item[] {
  return Array.from({ length: count }, (_, id) => ({ id, done: false }));
}

describe('createPiniaSnapshotApplier', () => {
  it('applies a snapshot to an options store with one $subscribe call (the seed usage)', async () => {
    installPinia();
    const store = useSettings();
    // Fits wherever an applier of the authority's full state type is expected.
    const applier: SnapshotApplier<{ theme: string; fontSize: number; draft: string }> =
      createPiniaSnapshotApplier(store, { mode: 'patch' });
    const counts = countSubscriptions(store);
    let deep = 0;
    watch(
      () => store.$state,
      () => deep++,
      { deep: true },
    );

    await applier.apply(snapshot({ theme: 'dark', fontSize: 14, draft: '' }));
    await nextTick();

    expect(store.theme).toBe('dark');
    expect(store.fontSize).toBe(14);
    expect(counts).toEqual({ sync: 1, pre: 1 });
    expect(deep).toBe(1);
    store.setDraft('typed');
    expect(store.draft).toBe('typed');
  });

  it('applies a delta with one $subscribe call and one deep watch run', async () => {
    installPinia();
    const store = useTodos();
    const applier = createPiniaSnapshotApplier(store);
    await applier.apply(snapshot({ items: items(3), filter: 'all', meta: {} }));
    const counts = countSubscriptions(store);
    let deep = 0;
    watch(
      () => store.items,
      () => deep++,
      { deep: true },
    );

    await applier.applyPatch?.(
      delta([
        { op: 'replace', path: ['items', 1, 'done'], value: true },
        { op: 'add', path: ['items', '-'], value: { id: 3, done: false } },
        { op: 'replace', path: ['filter'], value: 'open' },
      ]),
    );
    await nextTick();

    expect(store.items.map((item) => item.done)).toEqual([false, true, false, false]);
    expect(store.filter).toBe('open');
    expect(counts).toEqual({ sync: 1, pre: 1 });
    expect(deep).toBe(1);
  });

  it("'patch' mode removes only keys the authority dropped; 'replace' removes every synced key", async () => {
    installPinia();
    const patched = useTodos();
    const patchApplier = createPiniaSnapshotApplier(patched);
    await patchApplier.apply(snapshot({ items: [], filter: 'all', meta: { a: 1 } }));
    await patchApplier.apply(snapshot({ items: [], meta: { a: 1 } }, '2'));
    // 'filter' came from the authority and is gone; 'local' never did and stays.
    expect(patched.$state).toEqual({ items: [], meta: { a: 1 }, local: 'mine' });

    installPinia();
    const replaced = useTodos();
    const replaceApplier = createPiniaSnapshotApplier(replaced, { mode: 'replace' });
    const counts = countSubscriptions(replaced);
    await replaceApplier.apply(snapshot({ items: [], meta: {} }));
    expect(replaced.$state).toEqual({ items: [], meta: {} });
    expect(counts.sync).toBe(1);
  });

  it('keeps local-only keys through snapshots and deltas (pickKeys and omitKeys)', async () => {
    for (const options of [
      { mode: 'replace', pickKeys: ['items', 'filter', 'meta'] },
      { mode: 'replace', omitKeys: ['local'] },
    ] as const) {
      installPinia();
      const store = useTodos();
      const applier = createPiniaSnapshotApplier(store, options);
      store.local = 'typed';
      await applier.apply(snapshot({ items: [], filter: 'all', meta: {}, local: 'remote' }));
      expect(store.local).toBe('typed');
      const counts = countSubscriptions(store);
      await applier.applyPatch?.(
        delta([
          { op: 'replace', path: ['local'], value: 'remote' },
          { op: 'replace', path: ['filter'], value: 'done' },
        ]),
      );
      expect(store.$state).toEqual({ items: [], filter: 'done', meta: {}, local: 'typed' });
      expect(counts.sync).toBe(1);
    }
  });

  it('checks pickKeys and omitKeys against the store’s state keys', () => {
    installPinia();
    const store = useTodos();
    createPiniaSnapshotApplier(store, { pickKeys: ['items'], omitKeys: ['local'] });
    // @ts-expect-error: 'nope' is not a key of the store's state
    createPiniaSnapshotApplier(store, { pickKeys: ['nope'] });
    // @ts-expect-error: 'count' is a getter of the setup store, not state
    createPiniaSnapshotApplier(useSetupTodos(), { omitKeys: ['count'] });
  });

  it('delivers nested removals, by snapshot and by delta', async () => {
    installPinia();
    const store = useTodos();
    const applier = createPiniaSnapshotApplier(store);
    await applier.apply(snapshot({ meta: { a: { b: 1, c: 2 } }, items: [] }));
    await applier.apply(snapshot({ meta: { a: { b: 1 } }, items: [] }, '2'));
    expect(store.meta).toEqual({ a: { b: 1 } });

    await applier.apply(
      snapshot({ meta: {}, items: [{ id: 1, done: false, note: { text: 'x', tag: 't' } }] }, '3'),
    );
    await applier.applyPatch?.(delta([{ op: 'remove', path: ['items', 0, 'note', 'tag'] }], '3'));
    expect(store.items[0]?.note).toEqual({ text: 'x' });
    expect(Object.hasOwn(store.items[0]!.note!, 'tag')).toBe(false);
  });

  it('maps snapshots and deltas with toState', async () => {
    installPinia();
    const store = useTodos();
    type Remote = { todos: Item[]; view: { filter: string } };
    const applier = createPiniaSnapshotApplier(store, {
      toState: (data: Remote) => ({ items: data.todos, filter: data.view.filter }),
    });
    expectTypeOf(applier.apply).parameter(0).toEqualTypeOf<{
      revision: string;
      epoch?: string;
      data: Remote;
    }>();
    await applier.apply(snapshot({ todos: items(2), view: { filter: 'all' } }));
    expect(store.items).toHaveLength(2);
    const counts = countSubscriptions(store);
    await applier.applyPatch?.(delta([{ op: 'replace', path: ['view', 'filter'], value: 'open' }]));
    expect(store.filter).toBe('open');
    expect(store.items).toHaveLength(2);
    expect(counts.sync).toBe(1);
  });

  it('a one-item delta on a 10,000-item list re-runs exactly one per-item effect', async () => {
    installPinia();
    const store = useTodos();
    const applier = createPiniaSnapshotApplier(store);
    await applier.apply(snapshot({ items: items(10_000), filter: 'all', meta: {} }));

    const runs = new Array<number>(10_000).fill(0);
    const computedRuns = new Array<number>(10_000).fill(0);
    const scope = effectScope();
    const doneFlags = scope.run(() => {
      for (let i = 0; i < 10_000; i++) {
        watchEffect(
          () => {
            void store.items[i]?.done;
            runs[i]!++;
          },
          { flush: 'sync' },
        );
      }
      return Array.from({ length: 10_000 }, (_, i) =>
        computed(() => {
          computedRuns[i]!++;
          return store.items[i]?.done;
        }),
      );
    })!;
    for (const flag of doneFlags) void flag.value;
    const counts = countSubscriptions(store);

    await applier.applyPatch?.(
      delta([{ op: 'replace', path: ['items', 4242, 'done'], value: true }]),
    );
    for (const flag of doneFlags) void flag.value;
    scope.stop();

    expect(runs.flatMap((n, i) => (n === 1 ? [] : [[i, n]]))).toEqual([[4242, 2]]);
    expect(computedRuns.reduce((a, b) => a + b)).toBe(10_001);
    expect(computedRuns[4242]).toBe(2);
    expect(doneFlags[4242]!.value).toBe(true);
    expect(counts.sync).toBe(1);
  });

  it('re-renders only the component of the changed item, in a mounted app', async () => {
    const renders = new Array<number>(10_000).fill(0);
    let listRenders = 0;
    const Row = defineComponent({
      props: { item: { type: Object as PropType<Item>, required: true } },
      setup: (props) => () => {
        renders[props.item.id]!++;
        return h('li', props.item.done ? 'x' : '-');
      },
    });
    const List = defineComponent({
      setup() {
        const store = useTodos();
        return () => {
          listRenders++;
          return h(
            'ul',
            store.items.map((item) => h(Row, { key: item.id, item })),
          );
        };
      },
    });
    const root = installPinia(List);
    const store = useTodos();
    const applier = createPiniaSnapshotApplier(store);
    await applier.apply(snapshot({ items: items(10_000), filter: 'all', meta: {} }));
    await nextTick();
    expect(textOf(root)).toBe('-'.repeat(10_000));
    expect(listRenders).toBe(2);

    await applier.applyPatch?.(
      delta([{ op: 'replace', path: ['items', 4242, 'done'], value: true }]),
    );
    await nextTick();

    expect(textOf(root).indexOf('x')).toBe(4242);
    expect(listRenders).toBe(2);
    expect(renders.flatMap((n, i) => (n === 1 ? [] : [[i, n]]))).toEqual([[4242, 2]]);
  });

  it('a failing delta leaves the store unchanged, throws, and leaves $subscribe working', async () => {
    installPinia();
    const store = useTodos();
    const applier = createPiniaSnapshotApplier(store);
    await applier.apply(snapshot({ items: items(2), filter: 'all', meta: {} }));
    const before = JSON.parse(JSON.stringify(store.$state));

    let error: unknown;
    try {
      await applier.applyPatch?.(
        delta([
          { op: 'replace', path: ['items', 0, 'done'], value: true },
          { op: 'replace', path: ['missing', 'key'], value: 1 },
        ]),
      );
    } catch (caught) {
      error = caught;
    }
    expect(isStateSyncError(error) && error.code).toBe('protocol');
    expect(store.$state).toEqual(before);

    // Pinia pauses its listeners during $patch; a throwing mutator must not leave them paused.
    const counts = countSubscriptions(store);
    store.local = 'typed';
    expect(counts.sync).toBe(1);
  });

  it('never mutates the snapshots and delta values it is given', async () => {
    installPinia();
    const first = useTodos();
    const second = useSetupTodos();
    const data = { items: items(2), filter: 'all' };
    const added = { id: 2, done: false, note: { text: 'x' } };
    const ops: PatchOp[] = [
      { op: 'add', path: ['items', '-'], value: added },
      { op: 'replace', path: ['items', 0, 'done'], value: true },
      { op: 'remove', path: ['items', 2, 'note', 'text'] },
    ];
    // One engine's snapshot and delta fanned out to two stores.
    for (const store of [first, second]) {
      const applier = createPiniaSnapshotApplier(store);
      await applier.apply(snapshot(data));
      await applier.applyPatch?.(delta(ops));
    }
    for (const store of [first, second]) {
      expect(store.items).toEqual([
        { id: 0, done: true },
        { id: 1, done: false },
        { id: 2, done: false, note: {} },
      ]);
    }
    expect(data).toEqual({ items: items(2), filter: 'all' });
    expect(added).toEqual({ id: 2, done: false, note: { text: 'x' } });
  });

  it('writes a setup store’s refs in place, and never deletes them', async () => {
    installPinia();
    const store = useSetupTodos();
    const applier = createPiniaSnapshotApplier(store, { omitKeys: ['local'] });
    const counts = countSubscriptions(store);
    const seen: number[] = [];
    watch(
      () => store.count,
      (count) => seen.push(count),
      { flush: 'sync' },
    );

    await applier.apply(snapshot({ items: items(3), filter: 'open', local: 'remote' }));
    expect(store.count).toBe(3);
    expect(store.filter).toBe('open');
    expect(store.local).toBe('mine');

    await applier.applyPatch?.(
      delta([
        { op: 'remove', path: ['items', 0] },
        { op: 'remove', path: ['filter'] },
      ]),
    );
    expect(store.count).toBe(2);
    // The store still reads its ref: the removal is an `undefined`, not a lost connection.
    expect(store.filter).toBeUndefined();
    expect(store.$state.filter).toBeUndefined();

    await applier.apply(snapshot({ items: items(1), filter: 'back' }, '3'));
    expect(store.filter).toBe('back');
    await applier.apply(snapshot({ items: items(1) }, '4'));
    expect(store.filter).toBeUndefined();
    expect(counts.sync).toBe(4);
    expect(seen).toEqual([3, 2, 1]);
    store.clear();
    expect(store.count).toBe(0);
  });

  it('receives the snapshot, then deltas, from an authority through the real engine', async () => {
    installPinia();
    const store = useTodos();
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
    const applied: string[] = [];
    store.$subscribe((mutation) => applied.push(mutation.type), { flush: 'sync' });
    const sync = createRevisionSync<Doc>({
      topic: 'todos',
      subscriber: createTransportSubscriber(client),
      provider: createTransportProvider<Doc>(client, 'todos'),
      applier: createPiniaSnapshotApplier(store, { omitKeys: ['local'] }),
      throttling: {},
    });
    await sync.start();
    expect(store.items).toHaveLength(3);

    const firstItem = store.items[0];
    authority.patch([{ op: 'replace', path: ['items', 2, 'done'], value: true }]);
    authority.patch([{ op: 'replace', path: ['filter'], value: 'done' }]);
    await new Promise<void>((resolve) => setImmediate(resolve));

    expect(store.items[2]?.done).toBe(true);
    expect(store.filter).toBe('done');
    expect(store.items[0]).toBe(firstItem);
    expect(sync.getLocalRevision()).toBe('2');
    // One snapshot, then two deltas: one $patch each.
    expect(applied).toEqual(['patch function', 'patch function', 'patch function']);
    await sync.stop();
    stopServing();
    client.close();
    server.close();
  });
});
