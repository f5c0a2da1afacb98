import { createAuthority, createRevisionSync, type SyncErrorContext } from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { describe, expect, it } from 'vitest';
import { createJSONStorage, devtools, persist, subscribeWithSelector } from 'zustand/middleware';
import { immer } from 'zustand/middleware/immer';
import { createStore, type StateCreator } from 'zustand/vanilla';
import {
  delta,
  describeApplierConformance,
  type PlainState,
  snapshot,
} from '../../core/test/conformance/applier-conformance.js';
import { createZustandSnapshotApplier } from '../src/index.js';

type Item = { id: number; title: string; done: boolean };
type Settings = { theme: string; draft: string; setDraft(draft: string): void };

describeApplierConformance('zustand', {
  create: (initial) => createStore<PlainState>()(() => initial as PlainState),
  applier: (store, options) => createZustandSnapshotApplier<PlainState, unknown>(store, options),
  read: (store) => store.getState(),
  subscribe: (store, listener) => store.subscribe(listener),
  keepsActions: true,
  itemIdentityKept: Object.is,
  refusing: (initial) =>
    createStore<PlainState>()(validated(() => ({ ...initial, locked: 'open' }))),
});

/** A middleware whose `setState` refuses, before writing, a state that fails the check. */
function validated(config: StateCreator<PlainState>): StateCreator<PlainState> {
  return (_set, get, api) => {
    const setState = api.setState;
    type Next = PlainState | ((state: PlainState) => PlainState);
    api.setState = ((next: Next, replace?: boolean) => {
      assertAccepted(typeof next === 'function' ? next(get()) : { ...get(), ...next });
      setState(next, replace as false);
    }) as typeof api.setState;
    return config(api.setState, get, api);
  };
}

/** Throws for a state whose `locked` is `'refused'`: the conformance suite's refusing store. */
function assertAccepted(state: unknown): void {
  if ((state as PlainState | undefined)?.locked === 'refused') {
    throw new Error('locked refuses "refused"');
  }
}

describe('createZustandSnapshotApplier: minimal updates', () => {
  const COUNT = 10_000;
  const items = (): Item[] =>
    Array.from({ length: COUNT }, (_, id) => ({ id, title: `item ${id}`, done: false }));

  it('a one-item delta on a 10,000-item list fires only that item’s selector (subscribeWithSelector)', () => {
    const store = createStore<{ items: Item[]; filter: string }>()(
      subscribeWithSelector(() => ({ items: [] as Item[], filter: 'all' })),
    );
    const applier = createZustandSnapshotApplier(store, { omitKeys: ['filter'] });
    applier.apply(snapshot({ items: items() }));

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

    applier.applyPatch?.(delta([{ op: 'replace', path: ['items', 4321, 'done'], value: true }]));

    expect(notifications).toBe(1);
    expect(fired).toEqual([4321]);
    expect(filterFired).toBe(0);
    expect(store.getState().items[4321]).toEqual({ id: 4321, title: 'item 4321', done: true });
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
    applier.applyPatch?.(delta([{ op: 'remove', path: ['layout'] }]));
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
    applier.applyPatch?.(delta([{ op: 'add', path: ['tags', '-'], value: 'c' }]));
    store.getState().inc();
    expect(store.getState()).toMatchObject({ count: 1, tags: ['b', 'c'] });
  });
});

describe('createZustandSnapshotApplier: through the engine', () => {
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
    const store = createStore<Settings>()((set) => ({
      theme: 'light',
      draft: '',
      setDraft: (draft) => set({ draft }),
    }));
    // @ts-expect-error: not a key of the state
    createZustandSnapshotApplier(store, { pickKeys: ['colour'] });
    // @ts-expect-error: not a key of the state
    createZustandSnapshotApplier(store, { omitKeys: ['colour'] });
    expect(createZustandSnapshotApplier(store, { pickKeys: ['theme'] }).applyPatch).toBeTypeOf(
      'function',
    );
  });
});
