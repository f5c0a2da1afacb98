import {
  createAuthority,
  createRevisionSync,
  isStateSyncError,
  type PatchOp,
  type SnapshotApplier,
  type SnapshotProvider,
} from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { derived, get, type Readable, type Writable, writable } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import { createSvelteSnapshotApplier } from '../src/index.js';

/** Counts the notifications a store sends after its initial call to the subscriber. */
function countUpdates<T>(store: Readable<T>) {
  let calls = -1;
  const stop = store.subscribe(() => {
    calls++;
  });
  return {
    get count() {
      return calls;
    },
    stop,
  };
}

function snapshot<T>(applier: SnapshotApplier<T>, data: T, revision = '1') {
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

describe('createSvelteSnapshotApplier', () => {
  it("'patch' mode merges the snapshot's keys and removes the ones the authority dropped", () => {
    const store = writable<Settings>({ theme: 'light', draft: 'local text' });
    const updates = countUpdates(store);
    const applier = createSvelteSnapshotApplier(store);

    snapshot(applier, { theme: 'dark', fontSize: 14 });
    expect(get(store)).toEqual({ theme: 'dark', fontSize: 14, draft: 'local text' });
    expect(updates.count).toBe(1);

    snapshot(applier, { theme: 'dark' }, '2');
    // fontSize came from the authority and is gone; draft never did and stays.
    expect(get(store)).toEqual({ theme: 'dark', draft: 'local text' });
    expect(updates.count).toBe(2);

    // Nothing changed: no set at all.
    snapshot(applier, { theme: 'dark' }, '3');
    expect(updates.count).toBe(2);
    updates.stop();
  });

  it("'replace' mode makes the store exactly the snapshot", () => {
    const store = writable<Settings>({ theme: 'light', draft: 'local text' });
    const updates = countUpdates(store);
    const applier = createSvelteSnapshotApplier(store, { mode: 'replace' });
    snapshot(applier, { theme: 'dark', fontSize: 12 });
    expect(get(store)).toEqual({ theme: 'dark', fontSize: 12 });
    expect(updates.count).toBe(1);
  });

  it("'replace' mode takes values that are not objects whole, by snapshot and by root op", () => {
    const store = writable<number[]>([]);
    const updates = countUpdates(store);
    const applier = createSvelteSnapshotApplier<number[], number[]>(store, { mode: 'replace' });
    snapshot(applier, [1, 2]);
    expect(get(store)).toEqual([1, 2]);
    delta(applier, [{ op: 'add', path: ['-'], value: 3 }]);
    expect(get(store)).toEqual([1, 2, 3]);
    delta(applier, [{ op: 'replace', path: [], value: [9] }], '2');
    expect(get(store)).toEqual([9]);
    expect(updates.count).toBe(3);

    const counter = writable(0);
    snapshot(createSvelteSnapshotApplier(counter, { mode: 'replace' }), 42);
    expect(get(counter)).toBe(42);
  });

  it("'patch' mode refuses data that is not an object and leaves the store alone", () => {
    const store = writable<number>(1);
    const error = thrown(() => snapshot(createSvelteSnapshotApplier(store), 2));
    expect(isStateSyncError(error) && error.code).toBe('apply_failed');
    expect(get(store)).toBe(1);
  });

  it('pickKeys: only the picked keys are synced, by snapshot and by delta', () => {
    const store = writable<Settings>({ theme: 'light', draft: 'mine' });
    const updates = countUpdates(store);
    const applier = createSvelteSnapshotApplier(store, { pickKeys: ['theme', 'layout'] });

    snapshot(applier, { theme: 'dark', layout: { sidebar: { width: 200 } }, draft: 'theirs' });
    expect(get(store)).toEqual({
      theme: 'dark',
      layout: { sidebar: { width: 200 } },
      draft: 'mine',
    });
    delta(applier, [
      { op: 'replace', path: ['layout', 'sidebar', 'width'], value: 240 },
      { op: 'replace', path: ['draft'], value: 'theirs' },
      { op: 'add', path: ['fontSize'], value: 20 },
    ]);
    expect(get(store)).toEqual({
      theme: 'dark',
      layout: { sidebar: { width: 240 } },
      draft: 'mine',
    });
    expect(updates.count).toBe(2);

    // Only local keys touched: nothing to write, no notification.
    delta(applier, [{ op: 'replace', path: ['draft'], value: 'x' }], '2');
    expect(updates.count).toBe(2);
  });

  it('omitKeys: local keys survive replace snapshots and deltas', () => {
    const store = writable<Settings>({ theme: 'light', draft: 'mine' });
    const updates = countUpdates(store);
    const applier = createSvelteSnapshotApplier(store, { omitKeys: ['draft'], mode: 'replace' });
    snapshot(applier, { theme: 'dark', fontSize: 10, draft: 'theirs' });
    expect(get(store)).toEqual({ theme: 'dark', fontSize: 10, draft: 'mine' });
    // Two synced ops and one on a local key: one set.
    delta(applier, [
      { op: 'remove', path: ['fontSize'] },
      { op: 'remove', path: ['draft'] },
      { op: 'replace', path: ['theme'], value: 'blue' },
    ]);
    expect(get(store)).toEqual({ theme: 'blue', draft: 'mine' });
    snapshot(applier, { theme: 'light' }, '3');
    expect(get(store)).toEqual({ theme: 'light', draft: 'mine' });
    expect(updates.count).toBe(3);
  });

  it('nested removals arrive, by snapshot and by delta', () => {
    const store = writable<Settings>({ theme: 'light' });
    const applier = createSvelteSnapshotApplier(store);
    snapshot(applier, { theme: 'light', layout: { sidebar: { width: 1, pinned: true } } });
    snapshot(applier, { theme: 'light', layout: { sidebar: { width: 1 } } }, '2');
    expect(get(store).layout?.sidebar).toEqual({ width: 1 });
    expect(get(store).layout?.sidebar).not.toHaveProperty('pinned');

    delta(applier, [{ op: 'add', path: ['layout', 'sidebar', 'pinned'], value: false }], '2');
    expect(get(store).layout?.sidebar).toEqual({ width: 1, pinned: false });
    delta(applier, [{ op: 'remove', path: ['layout', 'sidebar', 'pinned'] }], '3');
    expect(get(store).layout?.sidebar).not.toHaveProperty('pinned');
  });

  it('toState maps snapshots, and deltas are mapped again from the patched source', () => {
    type Remote = { prefs: { theme: string }; users: string[] };
    type View = { theme: string; userCount: number; open: boolean };
    const store = writable<View>({ theme: '', userCount: 0, open: true });
    const updates = countUpdates(store);
    const applier = createSvelteSnapshotApplier(store, {
      toState: (data: Remote) => ({ theme: data.prefs.theme, userCount: data.users.length }),
    });
    snapshot(applier, { prefs: { theme: 'dark' }, users: ['ann'] });
    expect(get(store)).toEqual({ theme: 'dark', userCount: 1, open: true });
    delta(applier, [{ op: 'add', path: ['users', '-'], value: 'bob' }]);
    expect(get(store)).toEqual({ theme: 'dark', userCount: 2, open: true });
    expect(updates.count).toBe(2);
  });

  it('a one-item delta on a 10,000-item list keeps every other item, and one notification', () => {
    type Item = { id: number; title: string; done: boolean };
    type Todos = { items: Item[]; filter: { status: string } };
    const items = Array.from({ length: 10_000 }, (_, id) => ({
      id,
      title: `task ${id}`,
      done: false,
    }));
    const store = writable<Todos>({ items: [], filter: { status: 'all' } });
    const applier = createSvelteSnapshotApplier(store);
    snapshot(applier, { items, filter: { status: 'all' } });
    const before = get(store);

    const updates = countUpdates(store);
    // One derived store per item, of a primitive: Svelte compares those by value.
    let fired = 0;
    const firedFor = new Set<number>();
    const stops = before.items.map((_, index) => {
      let initial = true;
      return derived(store, ($todos) => $todos.items[index]?.done).subscribe(() => {
        if (initial) {
          initial = false;
          return;
        }
        fired++;
        firedFor.add(index);
      });
    });

    delta(applier, [{ op: 'replace', path: ['items', 4321, 'done'], value: true }]);
    const after = get(store);

    expect(updates.count).toBe(1);
    expect(after).not.toBe(before);
    expect(after.items).not.toBe(before.items);
    expect(after.filter).toBe(before.filter);
    expect(after.items[4321]).toEqual({ id: 4321, title: 'task 4321', done: true });
    let changed = 0;
    for (let i = 0; i < after.items.length; i++) {
      if (after.items[i] !== before.items[i]) changed++;
    }
    expect(changed).toBe(1);
    expect(after.items[4321]).not.toBe(before.items[4321]);
    expect(fired).toBe(1);
    expect([...firedFor]).toEqual([4321]);
    for (const stop of stops) stop();
    updates.stop();
  });

  it('derived stores of objects are notified on every set (safe_not_equal), so compare identity', () => {
    const store = writable({ a: { n: 1 }, b: { n: 2 } });
    const applier = createSvelteSnapshotApplier(store);
    snapshot(applier, { a: { n: 1 }, b: { n: 2 } });
    const a = derived(store, ($s) => $s.a);
    const seen: { n: number }[] = [];
    const stop = a.subscribe((value) => seen.push(value));
    delta(applier, [{ op: 'replace', path: ['b', 'n'], value: 3 }]);
    // Svelte notifies for any object, even an unchanged one: that is what the README warns of.
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
    stop();
  });

  it('a failing delta throws a StateSyncError and leaves the store as it was', () => {
    const store = writable<Settings>({ theme: 'light' });
    const applier = createSvelteSnapshotApplier(store);
    snapshot(applier, { theme: 'dark', layout: { sidebar: { width: 1 } } });
    const before = get(store);
    const updates = countUpdates(store);

    const missing = thrown(() =>
      delta(applier, [{ op: 'replace', path: ['layout', 'header', 'height'], value: 2 }]),
    );
    expect(isStateSyncError(missing) && missing.code).toBe('protocol');
    // The first op would succeed alone; the second fails, so neither is written.
    const partial = thrown(() =>
      delta(applier, [
        { op: 'replace', path: ['theme'], value: 'blue' },
        { op: 'remove', path: ['fontSize'] },
      ]),
    );
    expect(isStateSyncError(partial) && partial.code).toBe('protocol');
    expect(get(store)).toBe(before);
    expect(get(store)).toEqual({ theme: 'dark', layout: { sidebar: { width: 1 } } });
    expect(updates.count).toBe(0);
  });

  it('a store that starts undefined takes the first snapshot', () => {
    const store: Writable<Settings | undefined> = writable(undefined);
    const applier = createSvelteSnapshotApplier(store, { pickKeys: ['theme'] });
    snapshot(applier, { theme: 'dark', draft: 'x' });
    expect(get(store)).toEqual({ theme: 'dark' });
  });

  it('checks the store and its keys', () => {
    const error = thrown(() => createSvelteSnapshotApplier({} as Writable<Settings>));
    expect(isStateSyncError(error) && error.code).toBe('invalid_option');
    const store = writable<Settings>({ theme: 'light' });
    // @ts-expect-error: not a key of the store's state
    createSvelteSnapshotApplier(store, { pickKeys: ['colour'] });
    // @ts-expect-error: not a key of the store's state
    createSvelteSnapshotApplier(store, { omitKeys: ['colour'] });
  });

  it('end to end: a snapshot, then deltas, reach the store through createRevisionSync', async () => {
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
    const store = writable<Doc>({ title: '', items: [], draft: 'unsaved' });
    const updates = countUpdates(store);
    const sync = createRevisionSync<Doc>({
      topic: 'doc',
      subscriber: authority,
      provider,
      applier: createSvelteSnapshotApplier(store, { omitKeys: ['draft'] }),
      timers: clock,
    });

    await sync.start();
    expect(get(store)).toEqual({
      title: 'groceries',
      items: [{ id: 1, done: false }],
      draft: 'unsaved',
    });
    const first = get(store).items[0];

    authority.patch([{ op: 'add', path: ['items', '-'], value: { id: 2, done: false } }]);
    authority.patch([{ op: 'replace', path: ['items', 1, 'done'], value: true }]);
    await clock.flush();
    expect(get(store).items).toEqual([
      { id: 1, done: false },
      { id: 2, done: true },
    ]);
    expect(get(store).items[0]).toBe(first);
    expect(sync.getLocalRevision()).toBe('2');
    expect(pulls).toBe(1);
    expect(updates.count).toBe(3);

    // A change without ops is pulled as a snapshot.
    authority.update((doc) => ({ ...doc, title: 'shopping' }));
    await clock.runAll();
    expect(get(store)).toMatchObject({ title: 'shopping', draft: 'unsaved' });
    expect(pulls).toBe(2);
    await sync.stop();
    updates.stop();
  });
});
