import {
  createAuthority,
  createRevisionSync,
  isStateSyncError,
  type PatchOp,
  type SnapshotApplier,
  type SnapshotProvider,
} from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { getVersion, proxy, snapshot, subscribe } from 'valtio/vanilla';
import { describe, expect, it } from 'vitest';
import { createValtioSnapshotApplier } from '../src/index.js';

/** One macrotask: Valtio's batched (microtask) notifications have all been delivered by then. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Counts the (batched) notifications of `subscribe(target)`. */
function countNotifications(target: object) {
  let count = 0;
  const stop = subscribe(target, () => {
    count++;
  });
  return {
    get count() {
      return count;
    },
    stop,
  };
}

function apply<T>(applier: SnapshotApplier<T>, data: T, revision = '1') {
  return applier.apply({ revision, data });
}

function delta<T>(applier: SnapshotApplier<T>, ops: PatchOp[], base = '1') {
  return applier.applyPatch?.({ base, revision: String(Number(base) + 1), ops });
}

/** Calls `fn`, which must throw, and returns what it threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

type Settings = {
  theme: string;
  fontSize?: number;
  layout?: { sidebar: { width: number; pinned?: boolean } };
  draft?: string;
};

describe('createValtioSnapshotApplier', () => {
  it("'patch' mode merges the snapshot's keys and removes the ones the authority dropped", async () => {
    const state = proxy<Settings>({ theme: 'light', draft: 'local text' });
    const notes = countNotifications(state);
    const applier = createValtioSnapshotApplier(state);

    apply(applier, { theme: 'dark', fontSize: 14, layout: { sidebar: { width: 1 } } });
    await settle();
    expect(snapshot(state)).toEqual({
      theme: 'dark',
      fontSize: 14,
      layout: { sidebar: { width: 1 } },
      draft: 'local text',
    });
    expect(notes.count).toBe(1);

    // Two keys dropped, one changed: three writes, one notification.
    apply(applier, { theme: 'light' }, '2');
    await settle();
    expect(snapshot(state)).toEqual({ theme: 'light', draft: 'local text' });
    expect(notes.count).toBe(2);

    apply(applier, { theme: 'light' }, '3');
    await settle();
    expect(notes.count).toBe(2);
    notes.stop();
  });

  it("'replace' mode removes every synced key the snapshot lacks, but not methods", async () => {
    const state = proxy({
      theme: 'light',
      draft: 'x' as string | undefined,
      toggle() {
        state.theme = state.theme === 'light' ? 'dark' : 'light';
      },
    });
    const notes = countNotifications(state);
    const applier = createValtioSnapshotApplier<typeof state, { theme: string }>(state, {
      mode: 'replace',
    });
    apply(applier, { theme: 'dark' });
    await settle();
    expect(Object.keys(state).sort()).toEqual(['theme', 'toggle']);
    expect(typeof state.toggle).toBe('function');
    expect(notes.count).toBe(1);
  });

  it('refuses data that is not an object, in either mode, and leaves the state alone', () => {
    const state = proxy<{ list: number[] }>({ list: [1] });
    for (const mode of ['patch', 'replace'] as const) {
      const applier = createValtioSnapshotApplier<typeof state, unknown>(state, { mode });
      const error = thrown(() => apply(applier, [1, 2]));
      expect(isStateSyncError(error) && error.code).toBe('apply_failed');
    }
    expect(snapshot(state)).toEqual({ list: [1] });
  });

  it('pickKeys: only the picked keys are synced, by snapshot and by delta', async () => {
    const state = proxy<Settings>({ theme: 'light', draft: 'mine' });
    const applier = createValtioSnapshotApplier(state, { pickKeys: ['theme', 'layout'] });
    apply(applier, { theme: 'dark', layout: { sidebar: { width: 200 } }, draft: 'theirs' });
    await settle();
    const notes = countNotifications(state);
    delta(applier, [
      { op: 'replace', path: ['layout', 'sidebar', 'width'], value: 240 },
      { op: 'replace', path: ['theme'], value: 'blue' },
      { op: 'replace', path: ['draft'], value: 'theirs' },
      { op: 'add', path: ['fontSize'], value: 20 },
    ]);
    await settle();
    expect(snapshot(state)).toEqual({
      theme: 'blue',
      layout: { sidebar: { width: 240 } },
      draft: 'mine',
    });
    expect(notes.count).toBe(1);

    // Only local keys touched: nothing written, no notification.
    delta(applier, [{ op: 'replace', path: ['draft'], value: 'x' }], '2');
    await settle();
    expect(notes.count).toBe(1);
    expect(state.draft).toBe('mine');
  });

  it('omitKeys: local keys survive replace snapshots and deltas', async () => {
    const state = proxy<Settings>({ theme: 'light', draft: 'mine' });
    const applier = createValtioSnapshotApplier(state, { omitKeys: ['draft'], mode: 'replace' });
    apply(applier, { theme: 'dark', fontSize: 10, draft: 'theirs' });
    expect(snapshot(state)).toEqual({ theme: 'dark', fontSize: 10, draft: 'mine' });
    delta(applier, [
      { op: 'remove', path: ['fontSize'] },
      { op: 'remove', path: ['draft'] },
    ]);
    expect(snapshot(state)).toEqual({ theme: 'dark', draft: 'mine' });
    apply(applier, { theme: 'light' }, '3');
    expect(snapshot(state)).toEqual({ theme: 'light', draft: 'mine' });
  });

  it('nested removals arrive, by snapshot and by delta', () => {
    const state = proxy<Settings>({ theme: 'light' });
    const applier = createValtioSnapshotApplier(state);
    apply(applier, { theme: 'light', layout: { sidebar: { width: 1, pinned: true } } });
    apply(applier, { theme: 'light', layout: { sidebar: { width: 1 } } }, '2');
    expect(snapshot(state).layout?.sidebar).toEqual({ width: 1 });
    expect(state.layout?.sidebar).not.toHaveProperty('pinned');

    delta(applier, [{ op: 'add', path: ['layout', 'sidebar', 'pinned'], value: false }], '2');
    expect(snapshot(state).layout?.sidebar).toEqual({ width: 1, pinned: false });
    delta(applier, [{ op: 'remove', path: ['layout', 'sidebar', 'pinned'] }], '3');
    expect(state.layout?.sidebar).not.toHaveProperty('pinned');
  });

  it('toState maps snapshots, and deltas are mapped again from the patched source', async () => {
    type User = { name: string };
    type Remote = { prefs: { theme: string }; users: User[] };
    const state = proxy({ theme: '', users: [] as User[], open: true });
    const applier = createValtioSnapshotApplier(state, {
      toState: (data: Remote) => ({ theme: data.prefs.theme, users: data.users }),
    });
    const source: Remote = { prefs: { theme: 'dark' }, users: [{ name: 'ann' }] };
    apply(applier, source);
    await settle();
    const notes = countNotifications(state);
    delta(applier, [{ op: 'add', path: ['users', '-'], value: { name: 'bob' } }]);
    await settle();
    expect(snapshot(state)).toEqual({
      theme: 'dark',
      users: [{ name: 'ann' }, { name: 'bob' }],
      open: true,
    });
    expect(notes.count).toBe(1);
    // The mapped value went into the proxy as a copy: Valtio did not adopt the engine's objects.
    state.users[0]!.name = 'changed locally';
    expect(source).toEqual({ prefs: { theme: 'dark' }, users: [{ name: 'ann' }] });
    expect(getVersion(source.users[0])).toBeUndefined();
  });

  describe('a 10,000-item list', () => {
    type Item = { id: number; title: string; done: boolean };
    type Todos = { items: Item[]; filter: { status: string } };

    function setup() {
      const state = proxy<Todos>({ items: [], filter: { status: 'all' } });
      const applier = createValtioSnapshotApplier(state);
      const items = Array.from({ length: 10_000 }, (_, id) => ({
        id,
        title: `task ${id}`,
        done: false,
      }));
      apply(applier, { items, filter: { status: 'all' } });
      // One subscription per item, as one component per row would hold.
      const fired = new Map<number, number>();
      const stops = state.items.map((item) =>
        subscribe(item, () => fired.set(item.id, (fired.get(item.id) ?? 0) + 1)),
      );
      const root = countNotifications(state);
      const stop = () => {
        for (const off of stops) off();
        root.stop();
      };
      return { state, applier, fired, root, stop };
    }

    /** Items whose snapshot object is not the one they had, matched by id. */
    function changedSnapshots(before: readonly Item[], after: readonly Item[]): number[] {
      const byId = new Map(before.map((item) => [item.id, item]));
      return after.filter((item) => byId.get(item.id) !== item).map((item) => item.id);
    }

    it('a change inside one item notifies that item alone and keeps every other snapshot', async () => {
      const { state, applier, fired, root, stop } = setup();
      const before = snapshot(state);

      delta(applier, [{ op: 'replace', path: ['items', 4321, 'done'], value: true }]);
      await settle();
      const after = snapshot(state);

      expect(root.count).toBe(1);
      expect([...fired]).toEqual([[4321, 1]]);
      expect(after.items[4321]).toEqual({ id: 4321, title: 'task 4321', done: true });
      expect(changedSnapshots(before.items, after.items)).toEqual([4321]);
      expect(after.filter).toBe(before.filter);
      stop();
    });

    it('replacing, inserting and removing items leaves the other items untouched', async () => {
      const { state, applier, fired, root, stop } = setup();
      const before = snapshot(state);
      const proxies = [...state.items];

      delta(applier, [
        { op: 'replace', path: ['items', 10], value: { id: 10, title: 'new', done: true } },
        { op: 'remove', path: ['items', 0] },
        { op: 'add', path: ['items', 5000], value: { id: 10_000, title: 'added', done: false } },
      ]);
      await settle();
      const after = snapshot(state);

      expect(root.count).toBe(1);
      // The rows' own proxies were not written to; only the list was.
      expect(fired.size).toBe(0);
      expect(after.items).toHaveLength(10_000);
      expect(changedSnapshots(before.items, after.items).sort((a, b) => a - b)).toEqual([
        10, 10_000,
      ]);
      expect(state.items[0]).toBe(proxies[1]);
      expect(after.filter).toBe(before.filter);
      stop();
    });
  });

  it('a failing delta throws a StateSyncError and leaves the state as it was', async () => {
    const state = proxy<Settings>({ theme: 'light' });
    const applier = createValtioSnapshotApplier(state);
    apply(applier, { theme: 'dark', layout: { sidebar: { width: 1 } } });
    await settle();
    const sidebar = state.layout?.sidebar;
    const before = snapshot(state);
    const notes = countNotifications(state);

    const missing = thrown(() =>
      delta(applier, [{ op: 'replace', path: ['layout', 'header', 'height'], value: 2 }]),
    );
    expect(isStateSyncError(missing) && missing.code).toBe('protocol');
    await settle();
    // Nothing was written: no notification, and the same snapshot.
    expect(notes.count).toBe(0);
    expect(snapshot(state)).toBe(before);

    // The first op succeeds, the second fails: the first is undone.
    const partial = thrown(() =>
      delta(applier, [
        { op: 'replace', path: ['layout', 'sidebar', 'width'], value: 99 },
        { op: 'remove', path: ['fontSize'] },
      ]),
    );
    expect(isStateSyncError(partial) && partial.code).toBe('protocol');
    expect(snapshot(state)).toEqual({ theme: 'dark', layout: { sidebar: { width: 1 } } });
    expect(state.layout?.sidebar).toBe(sidebar);
    // Valtio queued a notification for the undone write: at most one, as the README says.
    await settle();
    expect(notes.count).toBeLessThanOrEqual(1);
    notes.stop();
  });

  it('checks the proxy and its keys', () => {
    const error = thrown(() => createValtioSnapshotApplier({ theme: 'light' }));
    expect(isStateSyncError(error) && error.code).toBe('invalid_option');
    const state = proxy<Settings>({ theme: 'light' });
    // @ts-expect-error: not a key of the state
    createValtioSnapshotApplier(state, { pickKeys: ['colour'] });
    // @ts-expect-error: not a key of the state
    createValtioSnapshotApplier(state, { omitKeys: ['colour'] });
  });

  it('two proxies fed the same in-process authority never share or mutate its objects', async () => {
    type Doc = { lists: { tags: string[] }[] };
    const authority = createAuthority<Doc>({ topic: 'doc', data: { lists: [{ tags: ['a'] }] } });
    const states = [proxy<Doc>({ lists: [] }), proxy<Doc>({ lists: [] })];
    const syncs = states.map((state) =>
      createRevisionSync<Doc>({
        topic: 'doc',
        subscriber: authority,
        provider: authority.provider,
        applier: createValtioSnapshotApplier(state),
        throttling: {},
      }),
    );
    for (const sync of syncs) await sync.start();

    // Both clients receive the same event object, and with it the same `value`.
    authority.patch([{ op: 'add', path: ['lists', '-'], value: { tags: [] } }]);
    authority.patch([{ op: 'add', path: ['lists', 1, 'tags', '-'], value: 'b' }]);
    authority.patch([{ op: 'add', path: ['lists', 0, 'tags', '-'], value: 'c' }]);
    await settle();

    const expected = { lists: [{ tags: ['a', 'c'] }, { tags: ['b'] }] };
    for (const state of states) expect(snapshot(state)).toEqual(expected);
    expect(authority.getData()).toEqual(expected);
    expect(states[0]?.lists[0]).not.toBe(states[1]?.lists[0]);
    for (const sync of syncs) await sync.stop();
  });

  it('end to end: a snapshot, then deltas, reach the proxy through createRevisionSync', async () => {
    type Doc = { title: string; items: { id: number; done: boolean }[]; draft?: string };
    const clock = createVirtualClock();
    const authority = createAuthority<Doc>({
      topic: 'doc',
      data: { title: 'groceries', items: [{ id: 1, done: false }] },
    });
    let pulls = 0;
    const provider: SnapshotProvider<Doc> = {
      getSnapshot: (request) => {
        pulls++;
        return authority.provider.getSnapshot(request);
      },
    };
    const state = proxy<Doc>({ title: '', items: [], draft: 'unsaved' });
    const sync = createRevisionSync<Doc>({
      topic: 'doc',
      subscriber: authority,
      provider,
      applier: createValtioSnapshotApplier(state, { omitKeys: ['draft'] }),
      timers: clock,
    });

    await sync.start();
    expect(snapshot(state)).toEqual({
      title: 'groceries',
      items: [{ id: 1, done: false }],
      draft: 'unsaved',
    });
    const first = state.items[0];
    const notes = countNotifications(state);

    authority.patch([{ op: 'add', path: ['items', '-'], value: { id: 2, done: false } }]);
    authority.patch([{ op: 'replace', path: ['items', 1, 'done'], value: true }]);
    await clock.flush();
    await settle();
    expect(snapshot(state).items).toEqual([
      { id: 1, done: false },
      { id: 2, done: true },
    ]);
    expect(state.items[0]).toBe(first);
    expect(sync.getLocalRevision()).toBe('2');
    expect(pulls).toBe(1);

    // A change without ops is pulled as a snapshot.
    authority.update((doc) => ({ ...doc, title: 'shopping' }));
    await clock.runAll();
    expect(snapshot(state)).toMatchObject({ title: 'shopping', draft: 'unsaved' });
    expect(pulls).toBe(2);
    await sync.stop();
    notes.stop();
  });
});
