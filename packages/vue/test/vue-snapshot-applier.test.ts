import { isStateSyncError, type SnapshotApplier } from '@statesync/core';
import { createVueSnapshotApplier } from '@statesync/vue';
import { describe, expect, it } from 'vitest';
import {
  computed,
  effectScope,
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
import {
  type ApplierSubject,
  delta,
  describeApplierConformance,
  type PlainState,
  snapshot,
  withLockedKey,
} from '../../core/test/conformance/applier-conformance.js';

/** A subject for one kind of Vue state, heard by a deep (pre-flush) watcher. */
function vue<Target extends object>(
  make: (initial: PlainState) => Target,
  read: (target: Target) => unknown,
  declared: Omit<ApplierSubject<Target>, 'create' | 'applier' | 'read' | 'subscribe' | 'settle'>,
): ApplierSubject<Target> {
  return {
    create: (initial) => make(initial as PlainState),
    applier: (target, options) => createVueSnapshotApplier(target as PlainState, options),
    read,
    subscribe: (target, listener) => watch(target as WatchSource, listener, { deep: true }),
    settle: nextTick,
    ...declared,
  };
}

// Written in place: undoing a failed delta's first ops triggers the deep watcher once.
describeApplierConformance(
  'vue reactive()',
  vue(reactive, toRaw, { notifiesOnFailedDelta: 1, refusing: (i) => reactive(withLockedKey(i)) }),
);
describeApplierConformance(
  'vue ref()',
  vue(ref, (state) => toRaw(state.value), {
    holdsNonObjects: true,
    notifiesOnFailedDelta: 1,
    refusing: (initial) => ref(withLockedKey(initial)),
  }),
);
// Replaced immutably: untouched parts keep their identity.
describeApplierConformance(
  'vue shallowRef()',
  vue(shallowRef, (state) => state.value, { holdsNonObjects: true, itemIdentityKept: Object.is }),
);
describeApplierConformance(
  'vue shallowReactive()',
  vue(shallowReactive, toRaw, {
    itemIdentityKept: Object.is,
    refusing: (initial) => shallowReactive(withLockedKey(initial)),
  }),
);

type Item = { id: number; done: boolean; note?: { text: string; tag?: string } };
type Todos = { items: Item[]; filter: string; meta: Record<string, unknown>; local: string };

function items(count: number): Item[] {
  return Array.from({ length: count }, (_, id) => ({ id, done: false }));
}

const todos = (): Todos => ({ items: [], filter: 'all', meta: {}, local: 'mine' });

describe('createVueSnapshotApplier with reactive()', () => {
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
  it('writes an object value in place: .value stays the same object', async () => {
    const state = ref(todos());
    const applier = createVueSnapshotApplier(state);
    const holder = state.value;
    await applier.apply(snapshot({ items: items(2), filter: 'open' }));
    await applier.applyPatch?.(delta([{ op: 'remove', path: ['items', 0] }]));
    expect(state.value).toBe(holder);
    expect(state.value.items).toEqual([{ id: 1, done: false }]);
  });
});

describe('createVueSnapshotApplier with shallowRef()', () => {
  it('a one-item delta on a 10,000-item list re-runs only that item’s watcher', async () => {
    const state = shallowRef(todos());
    const applier = createVueSnapshotApplier(state, { omitKeys: ['local'] });
    await applier.apply(snapshot({ items: items(10_000), filter: 'all', meta: {} }));

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

    // Every other item kept its identity, so only the changed item's dependents ran.
    expect(changed).toEqual([4242]);
    expect(state.value.items[4242]?.done).toBe(true);
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
    await applier.applyPatch?.(delta([{ op: 'remove', path: ['meta'] }], '3'));
    expect(Object.hasOwn(state, 'meta')).toBe(false);
  });
});
