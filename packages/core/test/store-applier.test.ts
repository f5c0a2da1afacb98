import { describe, expect, it } from 'vitest';
import { isStateSyncError } from '../src/errors.js';
import { applyPatch, applyPatchInPlace } from '../src/patch.js';
import { createStoreApplier, type StoreApplierOptions } from '../src/store-applier.js';
import type { PatchOp } from '../src/types.js';

/** The smallest immutable store: a value, and a log of every update it received. */
function createPlainStore(initial: unknown) {
  const store = { state: initial, updates: [] as string[] };
  const binding = {
    read: () => store.state,
    merge(set: Record<string, unknown>, remove: readonly string[]) {
      const next = { ...(store.state as Record<string, unknown>), ...set };
      for (const key of remove) delete next[key];
      store.state = next;
      store.updates.push(`merge ${Object.keys(set).join(',')} -${remove.join(',')}`);
    },
    patch(ops: readonly PatchOp[]) {
      store.state = applyPatch(store.state, ops);
      store.updates.push(`patch ${ops.length}`);
    },
    replace(value: unknown) {
      store.state = value;
      store.updates.push('replace');
    },
  };
  return { store, binding };
}

function setup<S>(initial: S, options?: StoreApplierOptions<unknown, S>) {
  const { store, binding } = createPlainStore(initial);
  const applier = createStoreApplier(binding, options);
  const apply = (data: unknown, revision = '1') => applier.apply({ revision, data });
  const patch = (ops: PatchOp[]) => applier.applyPatch?.({ base: '1', revision: '2', ops });
  return { store, apply, patch };
}

describe('createStoreApplier', () => {
  it("'patch' mode writes the snapshot's keys and removes only keys the authority dropped", () => {
    const { store, apply } = setup({ draft: 'mine', theme: 'light' });
    apply({ theme: 'dark', size: 14 });
    expect(store.state).toEqual({ draft: 'mine', theme: 'dark', size: 14 });
    apply({ theme: 'dark' });
    // 'size' came from the authority and is gone; 'draft' never did and stays.
    expect(store.state).toEqual({ draft: 'mine', theme: 'dark' });
    // Unchanged values (here the primitive 'dark') are not written again.
    expect(store.updates).toEqual(['merge theme,size -', 'merge  -size']);
  });

  it("'replace' mode removes every synced key the snapshot lacks, but never functions", () => {
    const action = () => 1;
    const { store, apply } = setup<Record<string, unknown>>(
      { draft: 'x', theme: 'light', action },
      { mode: 'replace' },
    );
    apply({ theme: 'dark' });
    expect(store.state).toEqual({ theme: 'dark', action });
  });

  it('pickKeys syncs only the listed keys, in snapshots and deltas', () => {
    const { store, apply, patch } = setup(
      { theme: 'light', list: [] as number[], local: { open: true } },
      { pickKeys: ['theme', 'list'], mode: 'replace' },
    );
    apply({ theme: 'dark', list: [1], local: { open: false }, extra: 1 });
    expect(store.state).toEqual({ theme: 'dark', list: [1], local: { open: true } });
    patch([
      { op: 'add', path: ['list', '-'], value: 2 },
      { op: 'replace', path: ['local', 'open'], value: false },
      { op: 'add', path: ['extra'], value: 2 },
    ]);
    expect(store.state).toEqual({ theme: 'dark', list: [1, 2], local: { open: true } });
    expect(store.updates).toEqual(['merge theme,list -', 'patch 1']);
  });

  it('omitKeys keeps local keys through replace snapshots and deltas', () => {
    const { store, apply, patch } = setup(
      { theme: 'light', selection: 3 },
      { omitKeys: ['selection'], mode: 'replace' },
    );
    apply({ theme: 'dark', selection: 9 });
    expect(store.state).toEqual({ theme: 'dark', selection: 3 });
    patch([{ op: 'remove', path: ['selection'] }]);
    expect(store.state).toEqual({ theme: 'dark', selection: 3 });
    expect(store.updates).toEqual(['merge theme -']);
  });

  it('passes nested removals through both paths', () => {
    const { store, apply, patch } = setup({});
    apply({ prefs: { a: 1, b: { c: 2, d: 3 } } });
    patch([{ op: 'remove', path: ['prefs', 'b', 'd'] }]);
    expect(store.state).toEqual({ prefs: { a: 1, b: { c: 2 } } });
    apply({ prefs: { b: {} } }, '3');
    expect(store.state).toEqual({ prefs: { b: {} } });
  });

  it("a delta's top-level removal is remembered by the next 'patch' snapshot", () => {
    const { store, apply, patch } = setup({ local: 1 });
    apply({ a: 1, b: 2 });
    patch([
      { op: 'remove', path: ['b'] },
      { op: 'add', path: ['c'], value: 3 },
    ]);
    apply({ a: 1 }, '3');
    // 'c' was added by the authority through the delta, so its absence now means removal.
    expect(store.state).toEqual({ local: 1, a: 1 });
  });

  it('toState maps snapshots, re-maps deltas and writes only keys whose value changed', () => {
    interface Wire {
      user: { name: string };
      items: number[];
    }
    interface State {
      name: string;
      items: number[];
      local: boolean;
    }
    const { store, binding } = createPlainStore({ name: '', items: [], local: true });
    const applier = createStoreApplier<Wire, State>(binding, {
      toState: (data) => ({ name: data.user.name, items: data.items }),
    });
    expect(() => applier.applyPatch?.({ base: '0', revision: '1', ops: [] })).toThrow(
      /before the first snapshot/,
    );
    void applier.apply({ revision: '1', data: { user: { name: 'ada' }, items: [1] } });
    void applier.applyPatch?.({
      base: '1',
      revision: '2',
      ops: [{ op: 'add', path: ['items', '-'], value: 2 }],
    });
    expect(store.state).toEqual({ name: 'ada', items: [1, 2], local: true });
    expect(store.updates).toEqual(['merge name,items -', 'merge items -']);
  });

  it('replaces non-object state in replace mode and refuses to merge it otherwise', () => {
    const replacing = setup<unknown>(0, { mode: 'replace' });
    replacing.apply(5);
    expect(replacing.store.state).toBe(5);
    replacing.patch([{ op: 'replace', path: [], value: 6 }]);
    expect(replacing.store.state).toBe(6);

    const merging = setup<unknown>({});
    let thrown: unknown;
    try {
      merging.apply([1, 2]);
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'apply_failed')).toBe(true);
    expect((thrown as Error).message).toMatch(/an array, not a plain object/);
  });

  it('applies a delta holding a root op as one snapshot of the result', () => {
    const { store, apply, patch } = setup({ local: 1 });
    apply({ a: 1 });
    const root = { b: 1 };
    patch([
      { op: 'replace', path: ['a'], value: 2 },
      { op: 'replace', path: [], value: root },
      { op: 'add', path: ['b'], value: 2 },
    ]);
    expect(store.state).toEqual({ local: 1, b: 2 });
    expect(root).toEqual({ b: 1 });
    expect(store.updates).toEqual(['merge a -', 'merge b -a']);
    // All or nothing: an op failing after the root op leaves the store as it was.
    expect(() =>
      patch([
        { op: 'replace', path: [], value: { c: 1 } },
        { op: 'remove', path: ['missing'] },
      ]),
    ).toThrow(/does not exist/);
    expect(store.state).toEqual({ local: 1, b: 2 });
    expect(store.updates).toHaveLength(2);
  });

  it('forgets nothing when a delta fails: the written keys stay as they were', () => {
    const { store, apply, patch } = setup({});
    apply({ a: 1, b: 2 });
    expect(() =>
      patch([
        { op: 'remove', path: ['a'] },
        { op: 'remove', path: ['nope', 'x'] },
      ]),
    ).toThrow();
    apply({ b: 2 }, '2');
    // 'a' is still known as sent by the authority, so the snapshot without it removes it.
    expect(store.state).toEqual({ b: 2 });
  });

  it('does not notify for a snapshot that changes nothing', () => {
    const shared = { deep: true };
    const { store, binding } = createPlainStore({});
    const applier = createStoreApplier<{ v: { deep: boolean } }, Record<string, unknown>>(binding, {
      toState: (data) => ({ v: data.v }),
    });
    void applier.apply({ revision: '1', data: { v: shared } });
    void applier.apply({ revision: '2', data: { v: shared } });
    expect(store.updates).toHaveLength(1);
  });

  it('copies values first for stores that adopt and mutate what they are given', () => {
    const state: Record<string, unknown> = {};
    const applier = createStoreApplier(
      {
        read: () => state,
        merge(set, remove) {
          Object.assign(state, set);
          for (const key of remove) delete state[key];
        },
        patch: (ops) => applyPatchInPlace(state, ops),
        values: 'adopted',
      },
      {},
    );
    // An in-process authority hands the same objects to every window.
    const data = { list: [{ id: 1 }], meta: { tags: ['a'] } };
    void applier.apply({ revision: '1', data });
    const item = { id: 2, nested: { deep: true } };
    const ops: PatchOp[] = [
      { op: 'add', path: ['list', '-'], value: item },
      { op: 'add', path: ['list', 1, 'nested', 'more'], value: 1 },
    ];
    void applier.applyPatch?.({ base: '1', revision: '2', ops });
    expect(state).toEqual({
      list: [{ id: 1 }, { id: 2, nested: { deep: true, more: 1 } }],
      meta: { tags: ['a'] },
    });
    expect(data).toEqual({ list: [{ id: 1 }], meta: { tags: ['a'] } });
    expect(item).toEqual({ id: 2, nested: { deep: true } });
    expect(ops[0]?.value).toBe(item);
  });

  it('refuses snapshot keys that reach the prototype', () => {
    const { store, apply } = setup({ a: 1 });
    let thrown: unknown;
    try {
      apply(JSON.parse('{"b": 2, "__proto__": {"polluted": true}}'));
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'protocol')).toBe(true);
    expect((thrown as Error).message).toMatch(/"__proto__" is not allowed/);
    expect(store.state).toEqual({ a: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('repairs a key written behind its back when a snapshot brings the value again', () => {
    const { store, apply } = setup<Record<string, unknown>>({});
    apply({ theme: 'dark' });
    store.state = { theme: 'light' }; // e.g. a local write, or DevTools time travel
    apply({ theme: 'dark' }, '2');
    expect(store.state).toEqual({ theme: 'dark' });
  });

  it('rejects an unknown mode', () => {
    const { binding } = createPlainStore({});
    expect(() => createStoreApplier(binding, { mode: 'merge' as unknown as 'patch' })).toThrow(
      /mode must be/,
    );
  });
});
