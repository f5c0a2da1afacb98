import {
  createAuthority,
  createRevisionSync,
  isStateSyncError,
  type PatchOp,
  type SnapshotApplier,
  type StateSyncErrorCode,
} from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { createMobxSnapshotApplier } from '@statesync/mobx';
import {
  autorun,
  configure,
  isObservableObject,
  makeAutoObservable,
  observable,
  reaction,
  toJS,
} from 'mobx';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

type Settings = {
  theme: string;
  fontSize?: number;
  layout?: { sidebar: boolean; panels?: Record<string, boolean> };
  draft?: string;
  selection?: number;
};

const snap = <T>(revision: string, data: T) => ({ revision, data });
const delta = (revision: string, ops: PatchOp[]) => ({
  base: String(Number(revision) - 1),
  revision,
  ops,
});

// Every write outside an action would warn; the applier must never trigger that.
const warn = vi.spyOn(console, 'warn');
beforeAll(() => configure({ enforceActions: 'always' }));
afterAll(() => {
  configure({ enforceActions: 'observed' });
  expect(warn).not.toHaveBeenCalled();
});

/** An observable object, and how often an autorun reading all of it ran after the first time. */
function setup<T extends object>(initial: T) {
  const state = observable(initial);
  let runs = -1;
  const dispose = autorun(() => {
    JSON.stringify(toJS(state));
    runs++;
  });
  return { state, runs: () => runs, dispose, plain: () => toJS(state) };
}

function expectError(code: StateSyncErrorCode, run: () => unknown) {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(isStateSyncError(thrown, code), String(thrown)).toBe(true);
}

describe('snapshots', () => {
  it("merges top-level keys in 'patch' mode, in one action", () => {
    const { state, runs, plain } = setup<Settings>({ theme: 'light', draft: 'local' });
    const applier = createMobxSnapshotApplier(state);
    applier.apply(snap('1', { theme: 'dark', fontSize: 14 }));
    expect(plain()).toEqual({ theme: 'dark', fontSize: 14, draft: 'local' });
    expect(runs()).toBe(1);
  });

  it('removes the keys the authority removed and keeps keys it never sent', () => {
    const { state, runs, plain } = setup<Settings>({ theme: 'light', draft: 'local' });
    const applier = createMobxSnapshotApplier(state);
    applier.apply(snap('1', { theme: 'dark', fontSize: 14 }));
    applier.apply(snap('2', { theme: 'dark' }));
    expect(plain()).toEqual({ theme: 'dark', draft: 'local' });
    expect('fontSize' in state).toBe(false);
    expect(runs()).toBe(2);
  });

  it("replaces the synced state in 'replace' mode and keeps actions", () => {
    const state = observable({
      theme: 'light',
      draft: 'local' as string | undefined,
      setTheme(theme: string) {
        this.theme = theme;
      },
    });
    const applier = createMobxSnapshotApplier<typeof state, { theme: string; fontSize: number }>(
      state,
      { mode: 'replace' },
    );
    let runs = 0;
    reaction(
      () => JSON.stringify(toJS(state)),
      () => runs++,
    );
    applier.apply(snap('1', { theme: 'dark', fontSize: 14 }));
    expect(toJS(state)).toEqual({ theme: 'dark', fontSize: 14, setTheme: state.setTheme });
    expect(runs).toBe(1);
    state.setTheme('blue');
    expect(state.theme).toBe('blue');
  });

  it('keeps the objects and arrays it writes observable', () => {
    const { state } = setup<Settings>({ theme: 'light' });
    createMobxSnapshotApplier(state).apply(snap('1', { theme: 'a', layout: { sidebar: true } }));
    expect(isObservableObject(state.layout)).toBe(true);
  });

  it('removes a key deep inside an object', () => {
    const { state, plain } = setup<Settings>({ theme: 'light' });
    const applier = createMobxSnapshotApplier(state);
    applier.apply(snap('1', { theme: 'a', layout: { sidebar: true, panels: { left: true } } }));
    applier.apply(snap('2', { theme: 'a', layout: { sidebar: true } }));
    expect(plain().layout).toEqual({ sidebar: true });
  });

  it('does not run reactions when a snapshot changes nothing', () => {
    const { state, runs } = setup<Settings>({ theme: 'light' });
    const applier = createMobxSnapshotApplier(state);
    const data = { theme: 'dark' };
    applier.apply(snap('1', data));
    applier.apply(snap('2', data));
    expect(runs()).toBe(1);
  });

  it('never changes the snapshot it was given', () => {
    const { state } = setup<Settings>({ theme: 'light' });
    const applier = createMobxSnapshotApplier(state);
    const data = { theme: 'a', layout: { sidebar: true, panels: { left: true } } };
    applier.apply(snap('1', data));
    applier.applyPatch?.(delta('2', [{ op: 'remove', path: ['layout', 'panels', 'left'] }]));
    expect(data).toEqual({ theme: 'a', layout: { sidebar: true, panels: { left: true } } });
  });

  it('refuses data that is not an object', () => {
    const { state, runs } = setup<Settings>({ theme: 'light' });
    const applier = createMobxSnapshotApplier(state, { mode: 'replace' });
    expectError('apply_failed', () => (applier as SnapshotApplier<unknown>).apply(snap('1', 7)));
    expect(runs()).toBe(0);
  });
});

describe('the state root', () => {
  it('must be a plain observable object', () => {
    class Store {
      theme = 'light';
      constructor() {
        makeAutoObservable(this);
      }
    }
    expectError('invalid_option', () => createMobxSnapshotApplier({ theme: 'light' }));
    expectError('invalid_option', () => createMobxSnapshotApplier(new Store()));
    expectError('invalid_option', () => createMobxSnapshotApplier(observable([1, 2])));
  });

  it('may be an observable object a class store holds', () => {
    class Store {
      settings = observable<Settings>({ theme: 'light' });
      constructor() {
        makeAutoObservable(this);
      }
      get dark() {
        return this.settings.theme === 'dark';
      }
    }
    const store = new Store();
    const applier = createMobxSnapshotApplier(store.settings);
    const seen: boolean[] = [];
    reaction(
      () => store.dark,
      (dark) => seen.push(dark),
    );
    applier.apply(snap('1', { theme: 'dark' }));
    applier.applyPatch?.(delta('2', [{ op: 'replace', path: ['theme'], value: 'light' }]));
    expect(seen).toEqual([true, false]);
  });
});

describe('local-only keys', () => {
  const initial: Settings = { theme: 'light', draft: 'mine', selection: 3 };
  const incoming = { theme: 'dark', fontSize: 12, draft: 'theirs', selection: 9 };

  it.each([
    ['pickKeys', { pickKeys: ['theme', 'fontSize'] as const }],
    ['omitKeys', { omitKeys: ['draft', 'selection'] as const }],
  ])('survive snapshots and deltas with %s', (_name, keys) => {
    for (const mode of ['patch', 'replace'] as const) {
      const { state, runs, plain } = setup<Settings>({ ...initial });
      const applier = createMobxSnapshotApplier(state, { mode, ...keys });
      applier.apply(snap('1', incoming));
      expect(plain()).toEqual({ theme: 'dark', fontSize: 12, draft: 'mine', selection: 3 });
      applier.applyPatch?.(
        delta('2', [
          { op: 'replace', path: ['theme'], value: 'blue' },
          { op: 'replace', path: ['draft'], value: 'theirs again' },
          { op: 'remove', path: ['selection'] },
          { op: 'remove', path: ['fontSize'] },
        ]),
      );
      expect(plain()).toEqual({ theme: 'blue', draft: 'mine', selection: 3 });
      applier.apply(snap('3', { theme: 'red' }));
      expect(plain()).toEqual({ theme: 'red', draft: 'mine', selection: 3 });
      expect(runs(), mode).toBe(3);
    }
  });
});

describe('deltas', () => {
  it('applies ops in one action and removes keys deep inside objects', () => {
    const { state, runs, plain } = setup<Settings>({ theme: 'light' });
    const applier = createMobxSnapshotApplier(state);
    applier.apply(snap('1', { theme: 'a', layout: { sidebar: true, panels: { left: true } } }));
    const layout = state.layout;
    applier.applyPatch?.(
      delta('2', [
        { op: 'remove', path: ['layout', 'panels', 'left'] },
        { op: 'add', path: ['layout', 'panels', 'right'], value: false },
        { op: 'replace', path: ['theme'], value: 'b' },
        { op: 'add', path: ['fontSize'], value: 10 },
      ]),
    );
    expect(plain()).toEqual({
      theme: 'b',
      fontSize: 10,
      layout: { sidebar: true, panels: { right: false } },
    });
    expect(state.layout).toBe(layout);
    expect(runs()).toBe(2);
  });

  it('splices, appends to and truncates observable arrays', () => {
    const { state, runs, plain } = setup({ list: [1, 2, 3] as (number | undefined)[] });
    const applier = createMobxSnapshotApplier(state);
    applier.applyPatch?.(
      delta('1', [
        { op: 'add', path: ['list', 1], value: 9 },
        { op: 'remove', path: ['list', 0] },
        { op: 'add', path: ['list', '-'], value: 4 },
        { op: 'replace', path: ['list', 'length'], value: 3 },
        { op: 'replace', path: ['list', 'length'], value: 4 },
      ]),
    );
    expect(plain().list).toEqual([9, 2, 3, undefined]);
    expect(runs()).toBe(1);
  });

  it('undoes the ops before a failing one and throws a StateSyncError', () => {
    const initial = {
      theme: 'light',
      layout: { sidebar: true, panels: { left: true } },
      list: [1, 2, 3],
    };
    const { state, runs, plain } = setup(structuredClone(initial));
    const applier = createMobxSnapshotApplier(state);
    const layout = state.layout;
    const themes: string[] = [];
    reaction(
      () => state.theme,
      (theme) => themes.push(theme),
    );
    expectError('protocol', () =>
      applier.applyPatch?.(
        delta('1', [
          { op: 'replace', path: ['theme'], value: 'dark' },
          { op: 'remove', path: ['layout', 'panels', 'left'] },
          { op: 'remove', path: ['list', 0] },
          { op: 'replace', path: ['list', 'length'], value: 1 },
          { op: 'add', path: ['extra'], value: 1 },
          { op: 'replace', path: ['missing', 'deep'], value: 1 },
        ]),
      ),
    );
    expect(plain()).toEqual(initial);
    expect(Object.keys(state)).toEqual(['theme', 'layout', 'list']);
    expect(state.layout).toBe(layout);
    // The action ends normally as far as MobX knows: reactions re-check, but see the same values.
    expect(themes).toEqual([]);
    // An autorun cannot compare: MobX re-runs it once, on the restored state.
    expect(runs()).toBe(1);
  });

  it('refuses to write into a value MobX does not observe', () => {
    const items = [{ id: 1, done: false }];
    const state = observable({ items, ref: { a: 1 } }, { items: observable.shallow, ref: false });
    const applier = createMobxSnapshotApplier(state);
    expectError('apply_failed', () =>
      applier.applyPatch?.(
        delta('1', [{ op: 'replace', path: ['items', 0, 'done'], value: true }]),
      ),
    );
    expectError('apply_failed', () =>
      applier.applyPatch?.(delta('1', [{ op: 'replace', path: ['ref', 'a'], value: 2 }])),
    );
    expect(items).toEqual([{ id: 1, done: false }]);
    expect(state.ref).toEqual({ a: 1 });
    // The shallow array itself is observable, and the unobserved value can be replaced whole.
    applier.applyPatch?.(
      delta('2', [
        { op: 'add', path: ['items', '-'], value: { id: 2, done: false } },
        { op: 'replace', path: ['ref'], value: { a: 3 } },
      ]),
    );
    expect(toJS(state)).toEqual({
      items: [
        { id: 1, done: false },
        { id: 2, done: false },
      ],
      ref: { a: 3 },
    });
  });

  it('applies deltas to values kept with observable.ref through an identity toState', () => {
    type Data = { blob: { a: number; b: number[] }; other: string };
    const state = observable<Data>({ blob: { a: 0, b: [] }, other: '' }, { blob: observable.ref });
    const applier = createMobxSnapshotApplier(state, { toState: (data: Data) => data });
    const sent = { blob: { a: 1, b: [1] }, other: 'x' };
    applier.apply(snap('1', sent));
    const seen: unknown[] = [];
    reaction(
      () => state.blob,
      (blob) => seen.push(blob),
    );
    applier.applyPatch?.(delta('2', [{ op: 'add', path: ['blob', 'b', '-'], value: 2 }]));
    expect(seen).toEqual([{ a: 1, b: [1, 2] }]);
    expect(sent).toEqual({ blob: { a: 1, b: [1] }, other: 'x' });
  });

  it('applies a root op as a snapshot of its value', () => {
    const { state, plain } = setup<Settings>({ theme: 'light', draft: 'mine' });
    const applier = createMobxSnapshotApplier(state, { omitKeys: ['draft'] });
    applier.applyPatch?.(
      delta('1', [{ op: 'replace', path: [], value: { theme: 'x', draft: 'no' } }]),
    );
    expect(plain()).toEqual({ theme: 'x', draft: 'mine' });
  });
});

describe('toState', () => {
  type Server = { user: { name: string; roles: string[] }; version: number };
  type View = { userName: string; roles: string[]; note: string };

  it('maps snapshots, and deltas through the last snapshot', () => {
    const { state, runs, plain } = setup<View>({ userName: '', roles: [], note: 'local' });
    const applier = createMobxSnapshotApplier(state, {
      toState: (data: Server) => ({ userName: data.user.name, roles: data.user.roles }),
    });
    applier.apply(snap('1', { user: { name: 'ada', roles: ['admin'] }, version: 1 }));
    expect(plain()).toEqual({ userName: 'ada', roles: ['admin'], note: 'local' });
    const roles = state.roles;
    applier.applyPatch?.(delta('2', [{ op: 'replace', path: ['user', 'name'], value: 'bob' }]));
    expect(plain()).toEqual({ userName: 'bob', roles: ['admin'], note: 'local' });
    expect(state.roles).toBe(roles);
    applier.applyPatch?.(delta('3', [{ op: 'replace', path: ['version'], value: 2 }]));
    expect(runs()).toBe(2);
  });
});

describe('a one-item delta on a 10,000-item list', () => {
  type Item = { id: number; title: string; done: boolean };
  type Todos = { items: Item[]; filter: string };
  const N = 10_000;
  const CHANGED = 4_325;
  const items = (): Item[] =>
    Array.from({ length: N }, (_, id) => ({ id, title: `item ${id}`, done: false }));
  // Observers for every tenth item, as a virtualised list would mount them, and the changed one.
  const watched = [...Array.from({ length: N / 10 }, (_, i) => i * 10 + 1), CHANGED];

  function list() {
    const state = observable<Todos>({ items: [], filter: 'all' });
    const applier = createMobxSnapshotApplier(state);
    applier.apply(snap('1', { items: items(), filter: 'all' }));
    let listRuns = -1;
    autorun(() => {
      void state.items.length;
      listRuns++;
    });
    return { state, applier, listRuns: () => listRuns };
  }

  const count = (counts: Map<number, number>, index: number) =>
    counts.set(index, (counts.get(index) ?? 0) + 1);

  it('re-runs only the changed item’s autorun after a change to one of its fields', () => {
    const { state, applier, listRuns } = list();
    const reruns = new Map<number, number>();
    for (const index of watched) {
      let first = true;
      autorun(() => {
        void state.items[index]?.done;
        if (!first) count(reruns, index);
        first = false;
      });
    }
    let filterRuns = 0;
    reaction(
      () => state.filter,
      () => filterRuns++,
    );

    applier.applyPatch?.(
      delta('2', [{ op: 'replace', path: ['items', CHANGED, 'done'], value: true }]),
    );

    expect([...reruns]).toEqual([[CHANGED, 1]]);
    expect(listRuns()).toBe(0);
    expect(filterRuns).toBe(0);
    expect(state.items[CHANGED]?.done).toBe(true);
    expect(state.items.filter((item) => item.done)).toHaveLength(1);
  });

  it('fires only the changed item’s reaction when one item is replaced whole', () => {
    const { state, applier, listRuns } = list();
    const before = state.items.slice();
    const fired = new Map<number, number>();
    const rowReruns = new Map<number, number>();
    for (const index of watched) {
      reaction(
        () => state.items[index],
        () => count(fired, index),
      );
      // A row component that was handed its item observes the item, not the list.
      const item = state.items[index]!;
      let first = true;
      autorun(() => {
        void item.title;
        if (!first) count(rowReruns, index);
        first = false;
      });
    }

    applier.applyPatch?.(
      delta('2', [
        {
          op: 'replace',
          path: ['items', CHANGED],
          value: { id: CHANGED, title: 'new', done: true },
        },
      ]),
    );

    // MobX tracks an array as a whole, so every expression reading the list re-ran, but only
    // the changed slot holds a new value: one effect fires, and no row observer re-runs.
    expect([...fired]).toEqual([[CHANGED, 1]]);
    expect(rowReruns.size).toBe(0);
    expect(listRuns()).toBe(1);
    let same = 0;
    for (let i = 0; i < N; i++) if (state.items[i] === before[i]) same++;
    expect(same).toBe(N - 1);
  });
});

describe('end to end', () => {
  it('receives the first snapshot, then deltas, through createRevisionSync', async () => {
    type Todos = { items: { id: number; done: boolean }[]; draft?: string };
    const authority = createAuthority<Todos>({
      topic: 'todos',
      data: { items: [{ id: 1, done: false }] },
    });
    const { state, runs, plain } = setup<Todos>({ items: [], draft: 'typing' });
    const clock = createVirtualClock();
    let fetches = 0;
    const sync = createRevisionSync<Todos>({
      topic: 'todos',
      subscriber: authority,
      provider: {
        getSnapshot: (request) => {
          fetches++;
          return authority.provider.getSnapshot(request);
        },
      },
      applier: createMobxSnapshotApplier(state, { omitKeys: ['draft'] }),
      timers: clock,
      throttling: {},
    });
    await sync.start();
    expect(plain()).toEqual({ items: [{ id: 1, done: false }], draft: 'typing' });

    authority.patch([{ op: 'replace', path: ['items', 0, 'done'], value: true }]);
    authority.patch([{ op: 'add', path: ['items', '-'], value: { id: 2, done: false } }]);
    await clock.flush();

    expect(plain()).toEqual({
      items: [
        { id: 1, done: true },
        { id: 2, done: false },
      ],
      draft: 'typing',
    });
    expect(authority.getData()).toEqual({
      items: [
        { id: 1, done: true },
        { id: 2, done: false },
      ],
    });
    expect(sync.getLocalRevision()).toBe('2');
    expect(fetches).toBe(1);
    expect(runs()).toBe(3);
    await sync.stop();
  });
});

describe('types', () => {
  it('checks keys against the state', () => {
    const state = observable<Settings>({ theme: 'light' });
    // @ts-expect-error: not a key of Settings
    createMobxSnapshotApplier(state, { pickKeys: ['nope'] });
    const applier: SnapshotApplier<Settings> = createMobxSnapshotApplier(state, {
      omitKeys: ['draft'],
    });
    expect(typeof applier.applyPatch).toBe('function');
  });
});
