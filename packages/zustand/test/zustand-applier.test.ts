import {
  createAuthority,
  createRevisionSync,
  isStateSyncError,
  type PatchOp,
  type SyncErrorContext,
} from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { describe, expect, it } from 'vitest';
import { createJSONStorage, devtools, persist, subscribeWithSelector } from 'zustand/middleware';
import { immer } from 'zustand/middleware/immer';
import { createStore } from 'zustand/vanilla';
import { createZustandSnapshotApplier } from '../src/index.js';

type Item = { id: number; title: string; done: boolean };
type Settings = {
  theme: string;
  fontSize: number;
  layout?: { sidebar: boolean; panels?: { left?: number; right?: number } };
  draft: string;
  setDraft(draft: string): void;
};

function settingsStore() {
  const store = createStore<Settings>()((set) => ({
    theme: 'light',
    fontSize: 14,
    draft: '',
    setDraft: (draft) => set({ draft }),
  }));
  const states: Settings[] = [];
  store.subscribe((state) => states.push(state));
  return { store, states };
}

const snapshot = <T>(data: T, revision = '1') => ({ revision, data });
const patch = (ops: PatchOp[], revision = '2') => ({
  base: String(Number(revision) - 1),
  revision,
  ops,
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('createZustandSnapshotApplier: snapshots', () => {
  it("'patch' mode merges, notifies once and removes only keys the authority dropped", () => {
    const { store, states } = settingsStore();
    const setDraft = store.getState().setDraft;
    const applier = createZustandSnapshotApplier(store, { omitKeys: ['draft'] });

    applier.apply(snapshot({ theme: 'dark', layout: { sidebar: true } }));
    expect(states).toHaveLength(1);
    expect(store.getState()).toMatchObject({
      theme: 'dark',
      fontSize: 14,
      layout: { sidebar: true },
    });

    // `layout` was sent and is now gone; `fontSize` was never sent and stays.
    applier.apply(snapshot({ theme: 'dark' }, '2'));
    expect(states).toHaveLength(2);
    expect(Object.hasOwn(store.getState(), 'layout')).toBe(false);
    expect(store.getState().fontSize).toBe(14);
    expect(store.getState().setDraft).toBe(setDraft);
  });

  it("'replace' mode removes every synced key the snapshot lacks, but never actions", () => {
    const { store, states } = settingsStore();
    const setDraft = store.getState().setDraft;
    store.getState().setDraft('typing');
    const applier = createZustandSnapshotApplier(store, { mode: 'replace', omitKeys: ['draft'] });

    applier.apply(snapshot({ theme: 'dark' }));
    expect(states).toHaveLength(2);
    expect(store.getState()).toEqual({ theme: 'dark', draft: 'typing', setDraft });
    expect(Object.hasOwn(store.getState(), 'fontSize')).toBe(false);
    // The action still works on the replaced state.
    store.getState().setDraft('more');
    expect(store.getState().draft).toBe('more');
  });

  it('an apply that changes nothing does not notify', () => {
    const { store, states } = settingsStore();
    const applier = createZustandSnapshotApplier(store);
    const data = { theme: 'dark', fontSize: 14 };
    applier.apply(snapshot(data));
    applier.apply(snapshot(data, '2'));
    expect(states).toHaveLength(1);
  });

  it('pickKeys: only the picked keys are written or removed', () => {
    const { store, states } = settingsStore();
    store.getState().setDraft('mine');
    const applier = createZustandSnapshotApplier(store, { pickKeys: ['theme', 'layout'] });
    applier.apply(
      snapshot({ theme: 'dark', fontSize: 99, draft: 'theirs', layout: { sidebar: true } }),
    );
    expect(states).toHaveLength(2);
    expect(store.getState()).toMatchObject({ theme: 'dark', fontSize: 14, draft: 'mine' });
    applier.apply(snapshot({ theme: 'dark' }, '2'));
    expect(Object.hasOwn(store.getState(), 'layout')).toBe(false);
    expect(store.getState().draft).toBe('mine');
  });

  it('omitKeys: local-only keys survive snapshots in both modes', () => {
    for (const mode of ['patch', 'replace'] as const) {
      const { store } = settingsStore();
      store.getState().setDraft('mine');
      const applier = createZustandSnapshotApplier(store, { mode, omitKeys: ['draft'] });
      applier.apply(snapshot({ theme: 'dark', draft: 'theirs' }));
      expect(store.getState().draft, mode).toBe('mine');
      expect(store.getState().theme, mode).toBe('dark');
    }
  });

  it('a key removed deep inside an object arrives through a snapshot', () => {
    const { store } = settingsStore();
    const applier = createZustandSnapshotApplier(store);
    applier.apply(snapshot({ layout: { sidebar: true, panels: { left: 200, right: 300 } } }));
    applier.apply(snapshot({ layout: { sidebar: true, panels: { left: 200 } } }, '2'));
    expect(store.getState().layout).toEqual({ sidebar: true, panels: { left: 200 } });
    expect(Object.hasOwn(store.getState().layout?.panels ?? {}, 'right')).toBe(false);
  });

  it('toState maps snapshots, and deltas to the source are mapped again', () => {
    type Wire = { prefs: { theme: string; size: number }; version: number };
    const { store, states } = settingsStore();
    const applier = createZustandSnapshotApplier(store, {
      toState: (data: Wire) => ({ theme: data.prefs.theme, fontSize: data.prefs.size }),
    });
    applier.apply(snapshot({ prefs: { theme: 'dark', size: 16 }, version: 1 }));
    expect(store.getState()).toMatchObject({ theme: 'dark', fontSize: 16, draft: '' });
    applier.applyPatch?.(patch([{ op: 'replace', path: ['prefs', 'size'], value: 18 }]));
    expect(store.getState()).toMatchObject({ theme: 'dark', fontSize: 18 });
    // A delta that changes nothing the mapping reads leaves the store alone.
    applier.applyPatch?.(patch([{ op: 'replace', path: ['version'], value: 2 }], '3'));
    expect(states).toHaveLength(2);
  });

  it('a snapshot that is not a plain object fails and leaves the store unchanged', () => {
    const { store, states } = settingsStore();
    const before = store.getState();
    const applier = createZustandSnapshotApplier<Settings, unknown>(store, { mode: 'replace' });
    const error = catchError(() => applier.apply(snapshot([1, 2, 3])));
    expect(isStateSyncError(error, 'apply_failed')).toBe(true);
    expect(store.getState()).toBe(before);
    expect(states).toHaveLength(0);
  });
});

describe('createZustandSnapshotApplier: deltas', () => {
  it('applies ops with one notification, and removes deep keys', () => {
    const { store, states } = settingsStore();
    const applier = createZustandSnapshotApplier(store);
    applier.apply(snapshot({ layout: { sidebar: true, panels: { left: 1, right: 2 } } }));
    applier.applyPatch?.(
      patch([
        { op: 'remove', path: ['layout', 'panels', 'right'] },
        { op: 'replace', path: ['layout', 'sidebar'], value: false },
        { op: 'add', path: ['theme'], value: 'dark' },
      ]),
    );
    expect(states).toHaveLength(2);
    expect(store.getState()).toMatchObject({
      theme: 'dark',
      layout: { sidebar: false, panels: { left: 1 } },
    });
    expect(Object.hasOwn(store.getState().layout?.panels ?? {}, 'right')).toBe(false);
  });

  it('ops on local-only keys are skipped (omitKeys and pickKeys)', () => {
    const ops: PatchOp[] = [
      { op: 'replace', path: ['draft'], value: 'theirs' },
      { op: 'replace', path: ['theme'], value: 'dark' },
    ];
    for (const options of [{ omitKeys: ['draft'] }, { pickKeys: ['theme'] }] as const) {
      const { store, states } = settingsStore();
      store.getState().setDraft('mine');
      const applier = createZustandSnapshotApplier(store, options);
      applier.applyPatch?.(patch(ops));
      expect(store.getState()).toMatchObject({ draft: 'mine', theme: 'dark' });
      expect(states).toHaveLength(2);
    }
  });

  it('a delta that is all local-only ops does not notify', () => {
    const { store, states } = settingsStore();
    const applier = createZustandSnapshotApplier(store, { omitKeys: ['draft'] });
    applier.applyPatch?.(patch([{ op: 'replace', path: ['draft'], value: 'x' }]));
    expect(states).toHaveLength(0);
  });

  it('a failing delta throws a StateSyncError and leaves the store exactly as it was', () => {
    const { store, states } = settingsStore();
    const applier = createZustandSnapshotApplier(store);
    applier.apply(snapshot({ layout: { sidebar: true } }));
    const before = store.getState();
    const error = catchError(() =>
      applier.applyPatch?.(
        patch([
          { op: 'replace', path: ['theme'], value: 'dark' },
          { op: 'replace', path: ['layout', 'panels', 'left'], value: 1 },
        ]),
      ),
    );
    expect(isStateSyncError(error, 'protocol')).toBe(true);
    expect(store.getState()).toBe(before);
    expect(store.getState().theme).toBe('light');
    expect(states).toHaveLength(1);
  });

  it('a delta with a root op among other ops still reaches the store once, all or nothing', () => {
    const { store, states } = settingsStore();
    const applier = createZustandSnapshotApplier(store);
    applier.applyPatch?.(
      patch([
        { op: 'replace', path: ['theme'], value: 'dark' },
        { op: 'replace', path: [], value: { theme: 'blue', fontSize: 20 } },
        { op: 'replace', path: ['fontSize'], value: 21 },
      ]),
    );
    expect(states).toHaveLength(1);
    expect(store.getState()).toMatchObject({ theme: 'blue', fontSize: 21 });

    const before = store.getState();
    const error = catchError(() =>
      applier.applyPatch?.(
        patch(
          [
            { op: 'replace', path: ['theme'], value: 'red' },
            { op: 'replace', path: [], value: { theme: 'green' } },
            { op: 'remove', path: ['missing'] },
          ],
          '3',
        ),
      ),
    );
    expect(isStateSyncError(error, 'protocol')).toBe(true);
    expect(store.getState()).toBe(before);
    expect(states).toHaveLength(1);
  });
});

describe('createZustandSnapshotApplier: minimal updates', () => {
  const COUNT = 10_000;
  const items = (): Item[] =>
    Array.from({ length: COUNT }, (_, id) => ({ id, title: `item ${id}`, done: false }));

  it('a one-item delta on a 10,000-item list changes only that item (subscribeWithSelector)', () => {
    const store = createStore<{ items: Item[]; filter: string }>()(
      subscribeWithSelector(() => ({ items: [] as Item[], filter: 'all' })),
    );
    const applier = createZustandSnapshotApplier(store, { omitKeys: ['filter'] });
    applier.apply(snapshot({ items: items() }));
    const before = store.getState().items;

    let notifications = 0;
    store.subscribe(() => notifications++);
    const fired: number[] = [];
    for (let i = 0; i < COUNT; i++) {
      store.subscribe(
        (state) => state.items[i],
        () => fired.push(i),
      );
    }
    let filterFired = 0;
    store.subscribe(
      (state) => state.filter,
      () => filterFired++,
    );

    applier.applyPatch?.(patch([{ op: 'replace', path: ['items', 4321, 'done'], value: true }]));

    expect(notifications).toBe(1);
    expect(fired).toEqual([4321]);
    expect(filterFired).toBe(0);
    const after = store.getState().items;
    expect(after).not.toBe(before);
    expect(after[4321]).toEqual({ id: 4321, title: 'item 4321', done: true });
    for (let i = 0; i < COUNT; i++) {
      if (i !== 4321 && after[i] !== before[i]) throw new Error(`item ${i} lost its identity`);
    }
  });

  it('a snapshot keeps the identity of top-level values it did not change', () => {
    const store = createStore<{ items: Item[]; title: string }>()(() => ({ items: [], title: '' }));
    const applier = createZustandSnapshotApplier(store);
    const list = items();
    applier.apply(snapshot({ items: list, title: 'a' }));
    applier.apply(snapshot({ items: list, title: 'b' }, '2'));
    expect(store.getState().items).toBe(list);
    expect(store.getState().title).toBe('b');
  });
});

describe('createZustandSnapshotApplier: middleware', () => {
  it('works through persist (and subscribeWithSelector): one write, removals persisted', () => {
    const saved = new Map<string, string>();
    const storage = {
      getItem: (key: string) => saved.get(key) ?? null,
      setItem: (key: string, value: string) => void saved.set(key, value),
      removeItem: (key: string) => void saved.delete(key),
    };
    type Prefs = { theme: string; layout?: { sidebar: boolean }; local: number };
    const store = createStore<Prefs>()(
      subscribeWithSelector(
        persist(() => ({ theme: 'light', local: 1 }), {
          name: 'prefs',
          storage: createJSONStorage(() => storage),
        }),
      ),
    );
    let themeChanges = 0;
    store.subscribe(
      (state) => state.theme,
      () => themeChanges++,
    );
    const applier = createZustandSnapshotApplier(store, { omitKeys: ['local'] });
    applier.apply(snapshot({ theme: 'dark', layout: { sidebar: true } }));
    applier.applyPatch?.(patch([{ op: 'remove', path: ['layout'] }]));
    expect(themeChanges).toBe(1);
    expect(store.getState()).toEqual({ theme: 'dark', local: 1 });
    expect(JSON.parse(saved.get('prefs') ?? 'null')).toEqual({
      state: { theme: 'dark', local: 1 },
      version: 0,
    });
  });

  it('works through devtools and immer', () => {
    type Counter = { count: number; tags: string[]; inc(): void };
    const store = createStore<Counter>()(
      devtools(
        immer((set) => ({
          count: 0,
          tags: ['a'],
          inc: () =>
            set((state) => {
              state.count++;
            }),
        })),
        { enabled: false },
      ),
    );
    const applier = createZustandSnapshotApplier(store, { omitKeys: ['count'] });
    applier.apply(snapshot({ tags: ['b'] }));
    applier.applyPatch?.(patch([{ op: 'add', path: ['tags', '-'], value: 'c' }]));
    store.getState().inc();
    expect(store.getState()).toMatchObject({ count: 1, tags: ['b', 'c'] });
  });
});

describe('createZustandSnapshotApplier: through the engine', () => {
  it('the first snapshot, then deltas, reach the store', async () => {
    type Shared = { theme: string; items: Item[] };
    const authority = createAuthority<Shared>({
      topic: 'settings',
      data: { theme: 'light', items: [{ id: 1, title: 'one', done: false }] },
    });
    const store = createStore<Shared & { draft: string }>()(() => ({
      theme: 'default',
      items: [],
      draft: 'local',
    }));
    const states: unknown[] = [];
    store.subscribe((state) => states.push(state));
    const clock = createVirtualClock();
    const errors: SyncErrorContext[] = [];
    const sync = createRevisionSync<Shared>({
      topic: 'settings',
      subscriber: authority,
      provider: authority.provider,
      applier: createZustandSnapshotApplier(store, { omitKeys: ['draft'] }),
      timers: clock,
      throttling: {},
      onError: (context) => errors.push(context),
    });

    await sync.start();
    expect(store.getState()).toMatchObject({ theme: 'light', draft: 'local' });
    expect(states).toHaveLength(1);
    const firstItem = store.getState().items[0];

    authority.patch([
      { op: 'add', path: ['items', '-'], value: { id: 2, title: 'two', done: false } },
    ]);
    authority.patch([{ op: 'replace', path: ['theme'], value: 'dark' }]);
    await clock.flush();

    expect(sync.getLocalRevision()).toBe('2');
    expect(store.getState()).toMatchObject({ theme: 'dark', draft: 'local' });
    expect(store.getState().items.map((item) => item.id)).toEqual([1, 2]);
    // Applied as deltas, not pulled: the untouched item kept its identity.
    expect(store.getState().items[0]).toBe(firstItem);
    expect(states).toHaveLength(3);

    // A change without ops is pulled as a snapshot; the delta after it fits that snapshot.
    authority.set({ theme: 'dark', items: [] });
    authority.patch([
      { op: 'add', path: ['items', '-'], value: { id: 3, title: 'three', done: true } },
    ]);
    await clock.runAll();
    expect(sync.getLocalRevision()).toBe('4');
    expect(store.getState().items).toEqual([{ id: 3, title: 'three', done: true }]);
    expect(errors).toEqual([]);
    await sync.stop();
  });

  it('a delta that fails in the store is reported and repaired by a snapshot pull', async () => {
    type Shared = { list: number[] };
    const authority = createAuthority<Shared>({ topic: 't', data: { list: [1] } });
    const store = createStore<Shared>()(() => ({ list: [] }));
    const clock = createVirtualClock();
    const errors: SyncErrorContext[] = [];
    const sync = createRevisionSync<Shared>({
      topic: 't',
      subscriber: authority,
      provider: authority.provider,
      applier: createZustandSnapshotApplier(store),
      timers: clock,
      throttling: {},
      onError: (context) => errors.push(context),
    });
    await sync.start();
    // Someone wrote to the mirror: the next delta no longer fits it.
    store.setState({ list: [] });
    authority.patch([{ op: 'replace', path: ['list', 0], value: 2 }]);
    await clock.runAll();
    expect(errors.map((e) => [e.phase, e.error.code])).toEqual([['patch', 'protocol']]);
    expect(store.getState().list).toEqual([2]);
    expect(sync.getLocalRevision()).toBe('1');
    await sync.stop();
  });
});

describe('createZustandSnapshotApplier: types', () => {
  it('checks pickKeys and omitKeys against the state', () => {
    const { store } = settingsStore();
    // @ts-expect-error: not a key of the state
    createZustandSnapshotApplier(store, { pickKeys: ['colour'] });
    // @ts-expect-error: not a key of the state
    createZustandSnapshotApplier(store, { omitKeys: ['colour'] });
    expect(createZustandSnapshotApplier(store, { pickKeys: ['theme'] }).applyPatch).toBeTypeOf(
      'function',
    );
  });
});
