import { isStateSyncError, type SnapshotApplier } from '@statesync/core';
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
  toRaw,
  watch,
  watchEffect,
} from 'vue';
import {
  delta,
  describeApplierConformance,
  type PlainState,
  snapshot,
  withLockedKey,
} from '../../core/test/conformance/applier-conformance.js';
import { createHostApp, createRoot, type HostNode, textOf } from './host.js';

let stores = 0;
describeApplierConformance('pinia (options store)', {
  create(initial) {
    installPinia();
    return defineStore(`conformance-${++stores}`, { state: () => initial as PlainState })();
  },
  applier: (store, options) => createPiniaSnapshotApplier<StoreGeneric, unknown>(store, options),
  read: (store) => toRaw(store.$state),
  subscribe: (store, listener) => store.$subscribe(listener, { flush: 'sync' }),
  refusing(initial) {
    installPinia();
    return defineStore(`conformance-${++stores}`, { state: () => withLockedKey(initial) })();
  },
  // `$patch` calls its subscribers even when the mutator undid what it wrote.
  notifiesOnFailedDelta: 1,
});

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
    meta: {} as PlainState,
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

function items(count: number): Item[] {
  return Array.from({ length: count }, (_, id) => ({ id, done: false }));
}

describe('createPiniaSnapshotApplier', () => {
  it('one $subscribe call (sync and pre-flush) and one deep watch run per snapshot and delta', async () => {
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
    expect(counts).toEqual({ sync: 1, pre: 1 });
    expect(deep).toBe(1);

    await applier.applyPatch?.(
      delta([
        { op: 'replace', path: ['theme'], value: 'blue' },
        { op: 'replace', path: ['fontSize'], value: 16 },
      ]),
    );
    await nextTick();
    expect(counts).toEqual({ sync: 2, pre: 2 });
    expect(deep).toBe(2);
    expect(store.$state).toEqual({ theme: 'blue', fontSize: 16, draft: '' });
    store.setDraft('typed');
    expect(store.draft).toBe('typed');
  });

  it('checks pickKeys and omitKeys against the store’s state keys', () => {
    installPinia();
    const store = useTodos();
    createPiniaSnapshotApplier(store, { pickKeys: ['items'], omitKeys: ['local'] });
    // @ts-expect-error: 'nope' is not a key of the store's state
    createPiniaSnapshotApplier(store, { pickKeys: ['nope'] });
    // @ts-expect-error: 'count' is a getter of the setup store, not state
    createPiniaSnapshotApplier(useSetupTodos(), { omitKeys: ['count'] });
    type Remote = { todos: Item[]; view: { filter: string } };
    const mapped = createPiniaSnapshotApplier(store, {
      toState: (data: Remote) => ({ items: data.todos, filter: data.view.filter }),
    });
    expectTypeOf(mapped.apply).parameter(0).toEqualTypeOf<{
      revision: string;
      epoch?: string;
      data: Remote;
    }>();
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

  it('a failing delta does not leave the store’s $subscribe listeners paused', async () => {
    installPinia();
    const store = useTodos();
    const applier = createPiniaSnapshotApplier(store);
    await applier.apply(snapshot({ items: items(2), filter: 'all', meta: {} }));
    let error: unknown;
    try {
      await applier.applyPatch?.(delta([{ op: 'replace', path: ['missing', 'key'], value: 1 }]));
    } catch (caught) {
      error = caught;
    }
    expect(isStateSyncError(error) && error.code).toBe('protocol');

    // Pinia pauses its listeners during $patch; a throwing mutator must not leave them paused.
    const counts = countSubscriptions(store);
    store.local = 'typed';
    expect(counts.sync).toBe(1);
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

    const sent = items(3);
    await applier.apply(snapshot({ items: sent, filter: 'open', local: 'remote' }));
    expect(store.count).toBe(3);
    expect(store.filter).toBe('open');
    expect(store.local).toBe('mine');

    await applier.applyPatch?.(
      delta([
        { op: 'replace', path: ['items', 1, 'done'], value: true },
        { op: 'remove', path: ['items', 0] },
        { op: 'remove', path: ['filter'] },
      ]),
    );
    expect(store.count).toBe(2);
    expect(store.items[0]?.done).toBe(true);
    // The ref holds a copy: the snapshot the engine handed over is unchanged.
    expect(sent).toEqual(items(3));
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
});
