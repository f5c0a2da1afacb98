import { isStateSyncError, type SnapshotApplier, type StateSyncErrorCode } from '@statesync/core';
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
import {
  delta,
  describeApplierConformance,
  type PlainState,
  snapshot,
  withLockedKey,
} from '../../core/test/conformance/applier-conformance.js';

type Settings = {
  theme: string;
  layout?: { sidebar: boolean; panels?: Record<string, boolean> };
  draft?: string;
};

// Every write outside an action would warn; the applier must never trigger that.
const warn = vi.spyOn(console, 'warn');
beforeAll(() => configure({ enforceActions: 'always' }));
afterAll(() => {
  configure({ enforceActions: 'observed' });
  expect(warn).not.toHaveBeenCalled();
});

describeApplierConformance('mobx', {
  create: (initial) => observable(initial as PlainState),
  applier: (state, options) => createMobxSnapshotApplier<PlainState, unknown>(state, options),
  read: (state) => toJS(state),
  // An autorun that reads the whole state: it re-runs once per action that changed it.
  subscribe: (state, listener) => {
    let first = true;
    return autorun(() => {
      toJS(state);
      if (first) first = false;
      else listener();
    });
  },
  keepsActions: true,
  // `locked` becomes a computed with a setter.
  refusing: (initial) => observable(withLockedKey(initial)),
  // An autorun cannot compare: MobX re-runs it once on the state a failed delta restored.
  notifiesOnFailedDelta: 1,
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

describe('writes', () => {
  it('keeps the objects and arrays it writes observable', () => {
    const { state } = setup<Settings>({ theme: 'light' });
    createMobxSnapshotApplier(state).apply(snapshot({ theme: 'a', layout: { sidebar: true } }));
    expect(isObservableObject(state.layout)).toBe(true);
  });

  it('splices, appends to and truncates observable arrays', () => {
    const { state, runs, plain } = setup({ list: [1, 2, 3] as (number | undefined)[] });
    const applier = createMobxSnapshotApplier(state);
    applier.applyPatch?.(
      delta([
        { op: 'add', path: ['list', 1], value: 9 },
        { op: 'remove', path: ['list', 0] },
        { op: 'add', path: ['list', '-'], value: 4 },
        { op: 'replace', path: ['list', 'length'], value: 3 },
        { op: 'replace', path: ['list', 'length'], value: 2 },
      ]),
    );
    expect(plain().list).toEqual([9, 2]);
    expect(runs()).toBe(1);
  });

  it('undoes a failed delta keeping key order and identities, so value reactions stay silent', () => {
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
        delta([
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

  it('leaves the state as it was when a computed key refuses a snapshot or a delta midway', () => {
    const state = observable({
      theme: 'light',
      size: 1,
      get double() {
        return this.size * 2;
      },
    });
    const applier = createMobxSnapshotApplier<typeof state, Record<string, unknown>>(state);
    const before = toJS(state);
    // `theme` precedes the computed and `extra` follows it.
    expect(() => applier.apply(snapshot({ theme: 'dark', size: 2, double: 5, extra: 1 }))).toThrow(
      /computed/,
    );
    expect([toJS(state), state.double]).toStrictEqual([before, 2]);
    expect(() =>
      applier.applyPatch?.(
        delta([
          { op: 'replace', path: ['theme'], value: 'dark' },
          { op: 'replace', path: ['double'], value: 5 },
        ]),
      ),
    ).toThrow(/computed/);
    expect(toJS(state)).toStrictEqual(before);
  });

  it('refuses to write into a value MobX does not observe', () => {
    const items = [{ id: 1, done: false }];
    const state = observable({ items, ref: { a: 1 } }, { items: observable.shallow, ref: false });
    const applier = createMobxSnapshotApplier(state);
    expectError('apply_failed', () =>
      applier.applyPatch?.(delta([{ op: 'replace', path: ['items', 0, 'done'], value: true }])),
    );
    expectError('apply_failed', () =>
      applier.applyPatch?.(delta([{ op: 'replace', path: ['ref', 'a'], value: 2 }])),
    );
    expect(items).toEqual([{ id: 1, done: false }]);
    expect(state.ref).toEqual({ a: 1 });
    // The shallow array itself is observable, and the unobserved value can be replaced whole.
    applier.applyPatch?.(
      delta([
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
    applier.apply(snapshot(sent));
    const seen: unknown[] = [];
    reaction(
      () => state.blob,
      (blob) => seen.push(blob),
    );
    applier.applyPatch?.(delta([{ op: 'add', path: ['blob', 'b', '-'], value: 2 }]));
    expect(seen).toEqual([{ a: 1, b: [1, 2] }]);
    expect(sent).toEqual({ blob: { a: 1, b: [1] }, other: 'x' });
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
    applier.apply(snapshot({ theme: 'dark' }));
    applier.applyPatch?.(delta([{ op: 'replace', path: ['theme'], value: 'light' }]));
    expect(seen).toEqual([true, false]);
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
    applier.apply(snapshot({ items: items(), filter: 'all' }));
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

    applier.applyPatch?.(delta([{ op: 'replace', path: ['items', CHANGED, 'done'], value: true }]));

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
      delta([
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
