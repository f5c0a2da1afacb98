import { isStateSyncError } from '@statesync/core';
import { getVersion, proxy, snapshot, subscribe } from 'valtio/vanilla';
import { describe, expect, it } from 'vitest';
import {
  caught,
  delta,
  describeApplierConformance,
  snapshot as envelope,
  type PlainState,
  withLockedKey,
} from '../../core/test/conformance/applier-conformance.js';
import { createValtioSnapshotApplier } from '../src/index.js';

/** One macrotask: Valtio's batched (microtask) notifications have all been delivered by then. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describeApplierConformance('valtio', {
  create: (initial) => proxy(initial as PlainState),
  applier: (state, options) => createValtioSnapshotApplier<PlainState, unknown>(state, options),
  read: (state) => snapshot(state),
  subscribe: (state, listener) => subscribe(state, listener),
  settle,
  keepsActions: true,
  refusing: (initial) => proxy(withLockedKey(initial)),
  // Valtio queues a notification for a write the failed delta undid.
  notifiesOnFailedDelta: 1,
  // `snapshot()` keeps the snapshot object of every part that was not written.
  itemIdentityKept: Object.is,
});

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

type Settings = { theme: string; draft?: string };

describe('createValtioSnapshotApplier', () => {
  it('writes copies: the objects it is given never become the targets of Valtio proxies', () => {
    type User = { name: string; tags: string[] };
    type Remote = { prefs: { theme: string }; users: User[] };
    const state = proxy({ theme: '', users: [] as User[], open: true });
    const applier = createValtioSnapshotApplier(state, {
      toState: (data: Remote) => ({ theme: data.prefs.theme, users: data.users }),
    });
    const source: Remote = { prefs: { theme: 'dark' }, users: [{ name: 'ann', tags: [] }] };
    const added: User = { name: 'bob', tags: ['x'] };
    applier.apply(envelope(source));
    applier.applyPatch?.(delta([{ op: 'add', path: ['users', '-'], value: added }]));
    expect(snapshot(state).users).toEqual([source.users[0], added]);
    // Written locally through the proxies, the engine's objects stay as they were.
    state.users[0]!.name = 'changed locally';
    state.users[1]!.tags.push('local');
    expect(source.users[0]).toEqual({ name: 'ann', tags: [] });
    expect(added).toEqual({ name: 'bob', tags: ['x'] });
    for (const value of [source.users[0], source.users, added, added.tags]) {
      expect(getVersion(value)).toBeUndefined();
    }
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
      applier.apply(envelope({ items, filter: { status: 'all' } }));
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

    it('a change inside one item notifies that item’s subscribers alone', async () => {
      const { applier, fired, stop } = setup();
      applier.applyPatch?.(delta([{ op: 'replace', path: ['items', 4321, 'done'], value: true }]));
      await settle();
      expect([...fired]).toEqual([[4321, 1]]);
      stop();
    });

    it('replacing, inserting and removing items leaves the other items untouched', async () => {
      const { state, applier, fired, root, stop } = setup();
      const before = snapshot(state);
      const proxies = [...state.items];

      applier.applyPatch?.(
        delta([
          { op: 'replace', path: ['items', 10], value: { id: 10, title: 'new', done: true } },
          { op: 'remove', path: ['items', 0] },
          { op: 'add', path: ['items', 5000], value: { id: 10_000, title: 'added', done: false } },
        ]),
      );
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

  it('checks the proxy and its keys', () => {
    const error = caught(() => createValtioSnapshotApplier({ theme: 'light' }));
    expect(isStateSyncError(error) && error.code).toBe('invalid_option');
    const state = proxy<Settings>({ theme: 'light' });
    // @ts-expect-error: not a key of the state
    createValtioSnapshotApplier(state, { pickKeys: ['colour'] });
    // @ts-expect-error: not a key of the state
    createValtioSnapshotApplier(state, { omitKeys: ['colour'] });
  });
});
