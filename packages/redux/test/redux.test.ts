import {
  combineReducers,
  configureStore,
  createSelector,
  createSlice,
  findNonSerializableValue,
  type Middleware,
  type PayloadAction,
  type Reducer,
  type StoreEnhancer,
  type UnknownAction,
} from '@reduxjs/toolkit';
import {
  createAuthority,
  createRevisionSync,
  isStateSyncError,
  type PatchOp,
  type SyncErrorContext,
} from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  describeApplierConformance,
  type PlainState,
} from '../../core/test/conformance/applier-conformance.js';
import {
  applyStateSync,
  createReduxSnapshotApplier,
  type ReduxApplierOptions,
  STATESYNC_APPLY,
  type StateSyncApplyAction,
  type StateSyncChange,
  withStateSync,
} from '../src/index.js';

type Settings = {
  theme: string;
  fontSize: number;
  layout?: { sidebar: boolean; panels?: { left?: number; right?: number } };
  draft: string;
};

const initialSettings: Settings = { theme: 'light', fontSize: 14, draft: '' };

const settingsSlice = createSlice({
  name: 'settings',
  initialState: initialSettings,
  reducers: {
    setDraft(state, action: PayloadAction<string>) {
      state.draft = action.payload;
    },
  },
});
const { setDraft } = settingsSlice.actions;

/** Another slice: it must never change when settings are synced, except through its matcher. */
const uiSlice = createSlice({
  name: 'ui',
  initialState: { open: false, lastSynced: '' },
  reducers: {
    toggle(state) {
      state.open = !state.open;
    },
  },
  extraReducers: (builder) => {
    builder.addMatcher(applyStateSync.match, (state, action) => {
      state.lastSynced = action.payload.revision ?? '';
    });
  },
});

type Options = Omit<ReduxApplierOptions<unknown, Settings>, 'topic' | 'select'>;

/** Records the statesync actions that reach the reducers. */
function recordStateSync(into: StateSyncApplyAction[]): Middleware {
  return () => (next) => (action) => {
    if (applyStateSync.match(action)) into.push(action);
    return next(action);
  };
}

function setup(
  options: Options = { omitKeys: ['draft'] },
  enhancer: StoreEnhancer = (next) => next,
) {
  // Declared apart: TypeScript infers a generic wrapper poorly inside a reducer map.
  const settings = withStateSync(settingsSlice.reducer, { topic: 'settings' });
  const reducer = combineReducers({ settings, ui: uiSlice.reducer });
  const actions: StateSyncApplyAction[] = [];
  const store = configureStore({
    reducer,
    middleware: (defaults) => defaults().concat(recordStateSync(actions)),
    enhancers: (defaults) => defaults().concat(enhancer),
  });
  const notifications = { count: 0 };
  store.subscribe(() => notifications.count++);
  const applier = createReduxSnapshotApplier(store, {
    topic: 'settings',
    select: (state) => state.settings,
    ...options,
  });
  const changes = () => actions.map((action) => action.payload.change);
  const settingsOf = () => store.getState().settings;
  return { store, reducer, applier, settings: settingsOf, notifications, actions, changes };
}

describeApplierConformance('redux', {
  // A combined store, so the applier works through `select` as with real slices.
  create: (initial) =>
    configureStore({
      reducer: combineReducers({
        synced: withStateSync((state: PlainState = initial as PlainState) => state, {
          topic: 'conformance',
        }),
        other: (state: number = 0) => state,
      }),
    }),
  applier: (store, options) =>
    createReduxSnapshotApplier(store, {
      topic: 'conformance',
      select: (root) => root.synced,
      ...options,
    }),
  read: (store) => store.getState().synced,
  subscribe: (store, listener) => store.subscribe(listener),
  holdsNonObjects: true,
  itemIdentityKept: Object.is,
  // A reducer that validates the synced state: Redux keeps the state when a reducer throws.
  refusing(initial) {
    const synced = withStateSync((state: PlainState = { ...initial, locked: 'open' }) => state, {
      topic: 'conformance',
    });
    return configureStore({
      reducer: combineReducers({
        synced: (state: PlainState | undefined, action: UnknownAction) => {
          const next = synced(state, action);
          if (next.locked === 'refused') throw new Error('locked refuses "refused"');
          return next;
        },
        other: (state: number = 0) => state,
      }),
    });
  },
});

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

/** Runs reducers in a try/catch and keeps the previous state, as Redux DevTools does. */
function swallowReducerErrors(caught: unknown[]): StoreEnhancer {
  return (next) => (reducer, preloaded) =>
    next(
      ((state: unknown, action: UnknownAction) => {
        try {
          return reducer(state as never, action as never);
        } catch (error) {
          caught.push(error);
          return state;
        }
      }) as typeof reducer,
      preloaded,
    );
}

// Redux Toolkit's dev checks report through the console: any output there is a complaint.
let consoleCalls: unknown[][] = [];
beforeEach(() => {
  consoleCalls = [];
  for (const method of ['error', 'warn'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleCalls.push(args);
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('createReduxSnapshotApplier + withStateSync: snapshots', () => {
  it("'patch' mode merges with one dispatch and removes only keys the authority dropped", () => {
    const { store, applier, settings, notifications, changes } = setup();
    const ui = store.getState().ui;
    store.dispatch(setDraft('mine'));
    notifications.count = 0;

    const first = { theme: 'dark', layout: { sidebar: true } };
    applier.apply(snapshot(first));
    expect(notifications.count).toBe(1);
    expect(settings()).toEqual({
      theme: 'dark',
      fontSize: 14,
      layout: { sidebar: true },
      draft: 'mine',
    });

    // Nothing changed: nothing to dispatch.
    applier.apply(snapshot(first, '2'));
    expect(notifications.count).toBe(1);

    applier.apply(snapshot({ theme: 'dark' }, '3'));
    expect(notifications.count).toBe(2);
    expect(settings()).toEqual({ theme: 'dark', fontSize: 14, draft: 'mine' });
    expect(changes()).toEqual([
      { kind: 'merge', set: first, remove: [] },
      { kind: 'merge', set: {}, remove: ['layout'] },
    ]);
    expect(store.getState().ui).toEqual({ ...ui, lastSynced: '3' });
  });

  it('what the authority sent is remembered across local actions', () => {
    const { store, applier, settings } = setup();
    applier.apply(snapshot({ theme: 'dark', layout: { sidebar: true } }));
    store.dispatch(setDraft('typing')); // a new settings object, made by the slice (Immer)
    applier.apply(snapshot({ theme: 'dark' }, '2'));
    expect(Object.hasOwn(settings(), 'layout')).toBe(false);
    expect(settings().draft).toBe('typing');
  });
});

describe('createReduxSnapshotApplier + withStateSync: deltas', () => {
  it('applies ops with one dispatch, including a deep removal', () => {
    const { applier, settings, notifications, actions } = setup();
    applier.apply(snapshot({ layout: { sidebar: true, panels: { left: 1, right: 2 } } }));
    const ops: PatchOp[] = [
      { op: 'remove', path: ['layout', 'panels', 'right'] },
      { op: 'replace', path: ['theme'], value: 'dark' },
    ];
    applier.applyPatch?.(patch(ops));
    expect(notifications.count).toBe(2);
    expect(actions[1]?.payload).toEqual({
      topic: 'settings',
      revision: '2',
      change: { kind: 'patch', ops },
    });
    expect(settings()).toEqual({
      theme: 'dark',
      fontSize: 14,
      draft: '',
      layout: { sidebar: true, panels: { left: 1 } },
    });
  });

  it('a failing delta throws a StateSyncError, dispatches nothing and leaves the store as it was', () => {
    const { store, applier, notifications, actions } = setup();
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
    expect(notifications.count).toBe(1);
    expect(actions).toHaveLength(1);
    // The applier is not stuck: the next snapshot and delta apply.
    applier.apply(snapshot({ theme: 'blue', layout: { sidebar: false } }, '3'));
    applier.applyPatch?.(patch([{ op: 'replace', path: ['layout', 'sidebar'], value: true }], '4'));
    expect(store.getState().settings).toMatchObject({ theme: 'blue', layout: { sidebar: true } });
  });

  it('throws even where DevTools would swallow the reducer error', () => {
    const caught: unknown[] = [];
    const { store, applier, actions } = setup(
      { omitKeys: ['draft'] },
      swallowReducerErrors(caught),
    );
    applier.apply(snapshot({ theme: 'dark' }));
    const before = store.getState();
    const error = catchError(() =>
      applier.applyPatch?.(patch([{ op: 'remove', path: ['missing'] }])),
    );
    expect(isStateSyncError(error, 'protocol')).toBe(true);
    expect(store.getState()).toBe(before);
    expect(actions).toHaveLength(1);
    expect(caught).toEqual([]);

    // A foreign dispatch of a delta that does not fit: the reducer throws (swallowed here).
    store.dispatch(
      applyStateSync({
        topic: 'settings',
        change: { kind: 'patch', ops: [{ op: 'remove', path: ['missing'] }] },
      }),
    );
    expect(caught).toHaveLength(1);
    expect(isStateSyncError(caught[0], 'protocol')).toBe(true);
    expect(store.getState()).toBe(before);
  });
});

describe('createReduxSnapshotApplier + withStateSync: topics and reducers', () => {
  it('each wrapped reducer applies its own topic only', () => {
    const store = configureStore({
      reducer: {
        a: withStateSync((state: { v: number } = { v: 0 }) => state, { topic: 'a' }),
        b: withStateSync((state: { v: number } = { v: 0 }) => state, { topic: 'b' }),
      },
    });
    const a = createReduxSnapshotApplier(store, { topic: 'a', select: (state) => state.a });
    const b = createReduxSnapshotApplier(store, { topic: 'b', select: (state) => state.b });
    a.apply(snapshot({ v: 1 }));
    b.apply(snapshot({ v: 2 }));
    expect(store.getState()).toEqual({ a: { v: 1 }, b: { v: 2 } });
  });

  it("a slice that is not an object is replaced in 'replace' mode", () => {
    const tags = withStateSync((state: string[] = []) => state, { topic: 'tags' });
    const store = configureStore({ reducer: { tags } });
    const applier = createReduxSnapshotApplier(store, {
      topic: 'tags',
      select: (state) => state.tags,
      mode: 'replace',
    });
    const data = ['a', 'b'];
    applier.apply(snapshot(data));
    expect(store.getState().tags).toBe(data);
    applier.applyPatch?.(patch([{ op: 'add', path: ['-'], value: 'c' }]));
    expect(store.getState().tags).toEqual(['a', 'b', 'c']);
    expect(data).toEqual(['a', 'b']);
    applier.apply(snapshot(['z'], '3'));
    expect(store.getState().tags).toEqual(['z']);
    // The same data again: the state already is that value, which is no failure.
    const same = store.getState().tags;
    applier.apply(snapshot(same, '4'));
    expect(store.getState().tags).toBe(same);
    expect(consoleCalls).toEqual([]);
  });

  it('an action no reducer applies fails with apply_failed', () => {
    const { store, applier } = setup();
    // A topic no reducer has.
    const other = createReduxSnapshotApplier(store, {
      topic: 'nobody',
      select: (state) => state.settings,
    });
    const error = catchError(() => other.apply(snapshot({ theme: 'dark' })));
    expect(isStateSyncError(error, 'apply_failed')).toBe(true);
    expect((error as Error).message).toContain('withStateSync(reducer, { topic: "nobody" })');
    expect(() => applier.apply(snapshot({ theme: 'dark' }))).not.toThrow();

    // A store without withStateSync at all, for a delta and for a replace.
    const plain = configureStore({ reducer: settingsSlice.reducer });
    const unwrapped = createReduxSnapshotApplier(plain, { topic: 'settings' });
    for (const run of [
      () => unwrapped.applyPatch?.(patch([{ op: 'replace', path: ['theme'], value: 'x' }])),
      () =>
        createReduxSnapshotApplier(plain, { topic: 'settings', mode: 'replace' }).apply(
          snapshot([1, 2] as never),
        ),
    ]) {
      expect(isStateSyncError(catchError(run), 'apply_failed')).toBe(true);
    }
    expect(plain.getState()).toEqual(initialSettings);
  });

  it('rejects bad options at once', () => {
    const reducer = (state = 0) => state;
    const store = { getState: () => ({}), dispatch: () => undefined };
    for (const run of [
      () => withStateSync(reducer, { topic: '' }),
      () => createReduxSnapshotApplier(store, { topic: '' }),
      () => createReduxSnapshotApplier(store, { topic: 't', mode: 'merge' as 'patch' }),
    ]) {
      expect(isStateSyncError(catchError(run), 'invalid_option')).toBe(true);
    }
  });

  it('the reducer rejects a change of an unknown kind', () => {
    const reducer = withStateSync((state: object = {}) => state, { topic: 't' });
    const action = applyStateSync({
      topic: 't',
      change: { kind: 'upsert' } as unknown as StateSyncChange,
    });
    expect(
      isStateSyncError(
        catchError(() => reducer({}, action)),
        'protocol',
      ),
    ).toBe(true);
  });
});

describe('createReduxSnapshotApplier + withStateSync: Redux Toolkit and DevTools', () => {
  it('the action is a plain, serializable object with a readable type', () => {
    const dispatched: unknown[] = [];
    const record: Middleware = () => (next) => (action) => {
      dispatched.push(action);
      return next(action);
    };
    const store = configureStore({
      reducer: withStateSync((state: Record<string, unknown> = { local: 1 }) => state, {
        topic: 't',
      }),
      middleware: (defaults) => defaults().concat(record),
    });
    const applier = createReduxSnapshotApplier(store, { topic: 't', omitKeys: ['local'] });
    applier.apply({ revision: '3', epoch: 'e1', data: { theme: 'dark', list: [1, { a: null }] } });
    applier.applyPatch?.({
      base: '3',
      revision: '4',
      ops: [{ op: 'replace', path: ['list', 1, 'a'], value: true }],
    });
    applier.apply({ revision: '5', data: { list: [1, { a: true }] } });
    expect(dispatched).toEqual([
      {
        type: 'statesync/apply',
        payload: {
          topic: 't',
          revision: '3',
          change: { kind: 'merge', set: { theme: 'dark', list: [1, { a: null }] }, remove: [] },
        },
      },
      {
        type: 'statesync/apply',
        payload: {
          topic: 't',
          revision: '4',
          change: { kind: 'patch', ops: [{ op: 'replace', path: ['list', 1, 'a'], value: true }] },
        },
      },
      {
        type: 'statesync/apply',
        payload: {
          topic: 't',
          revision: '5',
          change: { kind: 'merge', set: { list: [1, { a: true }] }, remove: ['theme'] },
        },
      },
    ]);
    for (const action of dispatched) {
      expect(Object.getPrototypeOf(action)).toBe(Object.prototype);
      expect(findNonSerializableValue(action)).toBe(false);
      expect(JSON.parse(JSON.stringify(action))).toEqual(action);
    }
    expect(store.getState()).toEqual({ local: 1, list: [1, { a: true }] });
    expect(consoleCalls).toEqual([]);
    expect(STATESYNC_APPLY).toBe('statesync/apply');
    expect(applyStateSync.type).toBe(STATESYNC_APPLY);
    expect(applyStateSync.match(dispatched[0])).toBe(true);
    expect(applyStateSync.match({ type: 'other' })).toBe(false);
  });

  it("RTK's serializability and immutability checks do not complain", () => {
    const { store, applier } = setup();
    applier.apply(snapshot({ theme: 'dark', layout: { sidebar: true, panels: { left: 1 } } }));
    store.dispatch(setDraft('x'));
    applier.applyPatch?.(patch([{ op: 'replace', path: ['layout', 'panels', 'left'], value: 2 }]));
    applier.apply(snapshot({ theme: 'blue' }, '3'));
    expect(consoleCalls).toEqual([]);

    // The checks are on: a non-serializable value is reported.
    store.dispatch({ type: 'bad', payload: new Map() });
    expect(consoleCalls.length).toBeGreaterThan(0);
  });

  it('replaying the recorded actions reproduces every state (time travel)', () => {
    const log: UnknownAction[] = [];
    const recordActions: StoreEnhancer = (next) => (reducer, preloaded) => {
      const store = next(reducer, preloaded);
      return {
        ...store,
        dispatch: ((action: UnknownAction) => {
          log.push(action);
          return store.dispatch(action as never);
        }) as typeof store.dispatch,
      };
    };
    const { store, reducer, applier } = setup({ omitKeys: ['draft'] }, recordActions);
    const states = [store.getState()];
    store.subscribe(() => states.push(store.getState()));
    applier.apply(snapshot({ theme: 'dark', layout: { sidebar: true, panels: { left: 1 } } }));
    store.dispatch(setDraft('x'));
    applier.applyPatch?.(patch([{ op: 'remove', path: ['layout', 'panels', 'left'] }]));
    applier.apply(snapshot({ theme: 'blue' }, '3'));
    applier.apply(snapshot({ theme: 'blue', fontSize: 20 }, '4'));
    store.dispatch(setDraft('y'));
    expect(log).toHaveLength(6);
    expect(states).toHaveLength(7);

    // What DevTools does on "jump", "skip" or a reducer hot reload: recompute from the start.
    for (let round = 0; round < 2; round++) {
      let state = reducer(undefined, { type: '@@INIT' });
      const replayed = [state];
      for (const action of log) {
        state = reducer(state, action);
        replayed.push(state);
      }
      expect(replayed).toEqual(states);
    }

    // A fresh store fed the JSON of the log ends in the same states too (DevTools import).
    const imported = configureStore({ reducer });
    const importedStates = [imported.getState()];
    for (const action of JSON.parse(JSON.stringify(log)) as UnknownAction[]) {
      imported.dispatch(action);
      importedStates.push(imported.getState());
    }
    expect(importedStates).toEqual(states);

    // Skipping the first snapshot: the delta into `layout` no longer fits, as it would not live.
    let state = reducer(undefined, { type: '@@INIT' });
    const skipped = log.slice(1);
    state = reducer(state, skipped[0]!);
    expect(() => reducer(state, skipped[1]!)).toThrow(/does not exist/);
  });

  it('one wrapped reducer shared by two stores keeps their syncs apart', () => {
    const shared = withStateSync(settingsSlice.reducer, { topic: 'settings' });
    const first = configureStore({ reducer: { settings: shared } });
    const second = configureStore({ reducer: { settings: shared } });
    const select = (state: { settings: Settings }) => state.settings;
    const firstApplier = createReduxSnapshotApplier(first, { topic: 'settings', select });
    const secondApplier = createReduxSnapshotApplier(second, { topic: 'settings', select });
    firstApplier.apply(snapshot({ theme: 'dark', fontSize: 20 }));
    secondApplier.apply(snapshot({ theme: 'blue' }));
    expect(first.getState().settings).toEqual({ theme: 'dark', fontSize: 20, draft: '' });
    expect(second.getState().settings).toEqual({ theme: 'blue', fontSize: 14, draft: '' });
    // The first store's authority sent fontSize and drops it; the second's never sent it.
    firstApplier.apply(snapshot({ theme: 'dark' }, '2'));
    secondApplier.apply(snapshot({ theme: 'green' }, '2'));
    expect(first.getState().settings).toEqual({ theme: 'dark', draft: '' });
    expect(second.getState().settings).toEqual({ theme: 'green', fontSize: 14, draft: '' });
  });
});

describe('createReduxSnapshotApplier + withStateSync: minimal updates', () => {
  type Item = { id: number; title: string; done: boolean };
  const COUNT = 10_000;
  const listSlice = createSlice({
    name: 'list',
    initialState: { items: [] as Item[], filter: 'all' },
    reducers: {},
  });

  it('a one-item delta on a 10,000-item list keeps every other item and selector result', () => {
    const list = withStateSync(listSlice.reducer, { topic: 'list' });
    const store = configureStore({
      reducer: { list, ui: uiSlice.reducer },
      // The dev checks walk the whole state on every dispatch and warn when that is slow.
      middleware: (defaults) => defaults({ serializableCheck: false, immutableCheck: false }),
    });
    type Root = ReturnType<typeof store.getState>;
    const applier = createReduxSnapshotApplier(store, {
      topic: 'list',
      select: (state) => state.list,
      omitKeys: ['filter'],
    });
    applier.apply(
      snapshot({
        items: Array.from({ length: COUNT }, (_, id) => ({ id, title: `item ${id}`, done: false })),
      }),
    );

    const plain = Array.from({ length: COUNT }, (_, i) => (state: Root) => state.list.items[i]);
    let computed = 0;
    const memoized = Array.from({ length: COUNT }, (_, i) =>
      createSelector([(state: Root) => state.list.items[i]], (item) => {
        computed++;
        return { label: `${item?.title} ${item?.done ? '✓' : ''}` };
      }),
    );
    const before = store.getState();
    const plainBefore = plain.map((select) => select(before));
    const memoBefore = memoized.map((select) => select(before));
    computed = 0;
    let notifications = 0;
    store.subscribe(() => notifications++);

    applier.applyPatch?.(patch([{ op: 'replace', path: ['items', 777, 'done'], value: true }]));

    const after = store.getState();
    expect(notifications).toBe(1);
    expect(after.list.items).not.toBe(before.list.items);
    expect(after.list.filter).toBe('all');
    const changed: number[] = [];
    for (let i = 0; i < COUNT; i++) {
      if (plain[i]!(after) !== plainBefore[i]) changed.push(i);
      if (memoized[i]!(after) !== memoBefore[i] && i !== 777) throw new Error(`selector ${i}`);
    }
    expect(changed).toEqual([777]);
    expect(computed).toBe(1);
    expect(memoized[777]!(after).label).toBe('item 777 ✓');
  });
});

describe('createReduxSnapshotApplier + withStateSync: through the engine', () => {
  it('the first snapshot, then deltas, reach a Redux Toolkit store', async () => {
    type Shared = Pick<Settings, 'theme' | 'fontSize' | 'layout'>;
    const authority = createAuthority<Shared>({
      topic: 'settings',
      data: { theme: 'light', fontSize: 12, layout: { sidebar: true, panels: { left: 1 } } },
    });
    const { store, applier, settings, notifications, actions } = setup();
    store.dispatch(setDraft('local'));
    notifications.count = 0;
    const clock = createVirtualClock();
    const errors: SyncErrorContext[] = [];
    const sync = createRevisionSync<Shared>({
      topic: 'settings',
      subscriber: authority,
      provider: authority.provider,
      applier,
      timers: clock,
      throttling: {},
      onError: (context) => errors.push(context),
    });

    await sync.start();
    expect(settings()).toEqual({ ...authority.getData(), draft: 'local' });
    const layout = settings().layout;

    authority.patch([{ op: 'replace', path: ['theme'], value: 'dark' }]);
    authority.patch([{ op: 'remove', path: ['layout', 'panels', 'left'] }]);
    await clock.flush();
    expect(sync.getLocalRevision()).toBe('2');
    expect(settings()).toEqual({
      theme: 'dark',
      fontSize: 12,
      layout: { sidebar: true, panels: {} },
      draft: 'local',
    });
    expect(settings().layout).not.toBe(layout);
    expect(notifications.count).toBe(3);
    expect(actions.map((action) => [action.payload.revision, action.payload.change.kind])).toEqual([
      ['0', 'merge'],
      ['1', 'patch'],
      ['2', 'patch'],
    ]);
    expect(store.getState().ui.lastSynced).toBe('2');

    // A mirror someone wrote to: the next delta does not fit, the engine pulls a snapshot.
    store.dispatch(
      applyStateSync({
        topic: 'settings',
        change: { kind: 'patch', ops: [{ op: 'remove', path: ['layout'] }] },
      }),
    );
    authority.patch([{ op: 'add', path: ['layout', 'panels', 'right'], value: 5 }]);
    await clock.runAll();
    expect(errors.map((e) => [e.phase, e.error.code])).toEqual([['patch', 'protocol']]);
    expect(sync.getLocalRevision()).toBe('3');
    expect(settings()).toEqual({ ...authority.getData(), draft: 'local' });
    expect(consoleCalls).toEqual([]);
    await sync.stop();
  });
});

describe('types', () => {
  it('checks keys against the selected state, or the root state without select', () => {
    const store = configureStore({
      reducer: { settings: withStateSync(settingsSlice.reducer, { topic: 't' }) },
    });
    const select = (state: ReturnType<typeof store.getState>) => state.settings;
    // @ts-expect-error: not a key of the settings state
    createReduxSnapshotApplier(store, { topic: 't', select, omitKeys: ['colour'] });
    // @ts-expect-error: not a key of the settings state
    createReduxSnapshotApplier(store, { topic: 't', select, pickKeys: ['colour'] });
    // @ts-expect-error: a key of the root state, not of the settings state
    createReduxSnapshotApplier(store, { topic: 't', select, pickKeys: ['settings'] });
    createReduxSnapshotApplier(store, { topic: 't', select, pickKeys: ['theme'] });
    createReduxSnapshotApplier(store, { topic: 't', pickKeys: ['settings'] });
    // @ts-expect-error: not a key of the root state
    createReduxSnapshotApplier(store, { topic: 't', pickKeys: ['theme'] });
    const reducer: Reducer<Settings> = withStateSync(settingsSlice.reducer, { topic: 't' });
    expect(reducer(undefined, { type: 'init' })).toEqual(initialSettings);
  });

  it('adds the statesync action to a reducer with a narrow action type', () => {
    type CounterAction = { type: 'inc' } | { type: 'reset' };
    const counter: Reducer<{ n: number }, CounterAction> = (state = { n: 0 }, action) =>
      action.type === 'inc' ? { n: state.n + 1 } : { n: 0 };
    const store = configureStore({ reducer: withStateSync(counter, { topic: 'c' }) });
    store.dispatch({ type: 'inc' });
    createReduxSnapshotApplier(store, { topic: 'c' }).apply(snapshot({ n: 10 }));
    store.dispatch({ type: 'inc' });
    expect(store.getState()).toEqual({ n: 11 });
  });
});
