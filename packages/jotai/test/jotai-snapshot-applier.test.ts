import {
  createAuthority,
  createRevisionSync,
  isStateSyncError,
  type PatchOp,
  type SnapshotApplier,
} from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { createJotaiSnapshotApplier } from '@statesync/jotai';
import { atom, createStore, getDefaultStore } from 'jotai/vanilla';
import { describe, expect, it } from 'vitest';

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

/** An atom in a fresh store, and a count of the notifications its subscribers got. */
function setup<T>(initial: T) {
  const store = createStore();
  const base = atom(initial);
  const seen: T[] = [];
  store.sub(base, () => seen.push(store.get(base)));
  return { store, base, seen, get: () => store.get(base) };
}

function expectProtocolError(run: () => unknown) {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(isStateSyncError(thrown, 'protocol'), String(thrown)).toBe(true);
}

describe('snapshots', () => {
  it("merges top-level keys in 'patch' mode, with one notification", () => {
    const { store, base, seen, get } = setup<Settings>({ theme: 'light', draft: 'local' });
    const applier = createJotaiSnapshotApplier(base, { store });
    applier.apply(snap('1', { theme: 'dark', fontSize: 14 }));
    expect(get()).toEqual({ theme: 'dark', fontSize: 14, draft: 'local' });
    expect(seen).toHaveLength(1);
  });

  it('removes the keys the authority removed and keeps keys it never sent', () => {
    const { store, base, get } = setup<Settings>({ theme: 'light', draft: 'local' });
    const applier = createJotaiSnapshotApplier(base, { store });
    applier.apply(snap('1', { theme: 'dark', fontSize: 14 }));
    applier.apply(snap('2', { theme: 'dark' }));
    expect(get()).toEqual({ theme: 'dark', draft: 'local' });
  });

  it('does not notify when a snapshot changes nothing', () => {
    const { store, base, seen } = setup<Settings>({ theme: 'light' });
    const applier = createJotaiSnapshotApplier(base, { store });
    const data = { theme: 'dark' };
    applier.apply(snap('1', data));
    applier.apply(snap('2', data));
    expect(seen).toHaveLength(1);
  });

  it("replaces the whole object in 'replace' mode", () => {
    const { store, base, seen, get } = setup<Settings>({ theme: 'light', draft: 'local' });
    const applier = createJotaiSnapshotApplier(base, { store, mode: 'replace' });
    applier.apply(snap('1', { theme: 'dark', fontSize: 14 }));
    expect(get()).toEqual({ theme: 'dark', fontSize: 14 });
    expect(seen).toHaveLength(1);
  });

  it('removes a key deep inside an object', () => {
    const { store, base, get } = setup<Settings>({ theme: 'light' });
    const applier = createJotaiSnapshotApplier(base, { store });
    applier.apply(snap('1', { theme: 'a', layout: { sidebar: true, panels: { left: true } } }));
    applier.apply(snap('2', { theme: 'a', layout: { sidebar: true } }));
    expect(get().layout).toEqual({ sidebar: true });
    expect(Object.hasOwn(get().layout ?? {}, 'panels')).toBe(false);
  });

  it("takes values that are not objects whole in 'replace' mode", () => {
    const { store, base, seen, get } = setup<number[] | number>(0);
    const applier = createJotaiSnapshotApplier(base, { store, mode: 'replace' });
    applier.apply(snap('1', 42));
    expect(get()).toBe(42);
    const list = [1, 2, 3];
    applier.apply(snap('2', list));
    expect(get()).toBe(list);
    applier.applyPatch?.(delta('3', [{ op: 'add', path: ['-'], value: 4 }]));
    expect(get()).toEqual([1, 2, 3, 4]);
    expect(list).toEqual([1, 2, 3]);
    expect(seen).toHaveLength(3);
  });

  it("refuses a value that is not an object in 'patch' mode and keeps the state", () => {
    const { store, base, seen } = setup<Settings>({ theme: 'light' });
    const applier = createJotaiSnapshotApplier(base, { store }) as SnapshotApplier<unknown>;
    expect(() => applier.apply(snap('1', 7))).toThrow(/not a plain object/);
    expect(seen).toHaveLength(0);
  });

  it('fills an atom that starts out empty', () => {
    const { store, base, get } = setup<Settings | undefined>(undefined);
    const applier = createJotaiSnapshotApplier(base, { store, pickKeys: ['theme'] });
    applier.apply(snap('1', { theme: 'dark', fontSize: 9 }));
    expect(get()).toEqual({ theme: 'dark' });
  });

  it('uses the default store when none is given', () => {
    const base = atom<Settings>({ theme: 'light' });
    const applier = createJotaiSnapshotApplier(base);
    applier.apply(snap('1', { theme: 'dark' }));
    expect(getDefaultStore().get(base)).toEqual({ theme: 'dark' });
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
      const { store, base, seen, get } = setup<Settings>({ ...initial });
      const applier = createJotaiSnapshotApplier(base, { store, mode, ...keys });
      applier.apply(snap('1', incoming));
      expect(get()).toEqual({ theme: 'dark', fontSize: 12, draft: 'mine', selection: 3 });
      applier.applyPatch?.(
        delta('2', [
          { op: 'replace', path: ['theme'], value: 'blue' },
          { op: 'replace', path: ['draft'], value: 'theirs again' },
          { op: 'remove', path: ['selection'] },
          { op: 'remove', path: ['fontSize'] },
        ]),
      );
      expect(get()).toEqual({ theme: 'blue', draft: 'mine', selection: 3 });
      applier.apply(snap('3', { theme: 'red' }));
      expect(get()).toEqual({ theme: 'red', draft: 'mine', selection: 3 });
      expect(seen, mode).toHaveLength(3);
    }
  });
});

describe('deltas', () => {
  it('applies ops with one notification and removes keys deep inside objects', () => {
    const { store, base, seen, get } = setup<Settings>({ theme: 'light' });
    const applier = createJotaiSnapshotApplier(base, { store });
    applier.apply(snap('1', { theme: 'a', layout: { sidebar: true, panels: { left: true } } }));
    const before = get();
    applier.applyPatch?.(
      delta('2', [
        { op: 'remove', path: ['layout', 'panels', 'left'] },
        { op: 'add', path: ['layout', 'panels', 'right'], value: false },
        { op: 'replace', path: ['theme'], value: 'b' },
      ]),
    );
    expect(get()).toEqual({ theme: 'b', layout: { sidebar: true, panels: { right: false } } });
    expect(before).toEqual({ theme: 'a', layout: { sidebar: true, panels: { left: true } } });
    expect(seen).toHaveLength(2);
  });

  it('removes a top-level key', () => {
    const { store, base, get } = setup<Settings>({ theme: 'light', fontSize: 3 });
    const applier = createJotaiSnapshotApplier(base, { store });
    applier.applyPatch?.(delta('1', [{ op: 'remove', path: ['fontSize'] }]));
    expect(get()).toEqual({ theme: 'light' });
  });

  it('leaves the atom unchanged and throws a StateSyncError when an op fails', () => {
    const { store, base, seen, get } = setup<Settings>({
      theme: 'light',
      layout: { sidebar: true },
    });
    const applier = createJotaiSnapshotApplier(base, { store });
    const before = get();
    expectProtocolError(() =>
      applier.applyPatch?.(
        delta('1', [
          { op: 'replace', path: ['theme'], value: 'dark' },
          { op: 'replace', path: ['missing', 'deep'], value: 1 },
        ]),
      ),
    );
    expect(get()).toBe(before);
    expect(before).toEqual({ theme: 'light', layout: { sidebar: true } });
    expect(seen).toHaveLength(0);
  });

  it('applies a root op as a snapshot of its value', () => {
    const { store, base, get } = setup<Settings>({ theme: 'light', draft: 'mine' });
    const applier = createJotaiSnapshotApplier(base, { store, omitKeys: ['draft'] });
    applier.applyPatch?.(
      delta('1', [{ op: 'replace', path: [], value: { theme: 'x', draft: 'no' } }]),
    );
    expect(get()).toEqual({ theme: 'x', draft: 'mine' });
  });
});

describe('toState', () => {
  type Server = { user: { name: string; roles: string[] }; version: number };
  type View = { userName: string; roles: string[]; note: string };

  it('maps snapshots, and deltas through the last snapshot', () => {
    const { store, base, seen, get } = setup<View>({ userName: '', roles: [], note: 'local' });
    const applier = createJotaiSnapshotApplier(base, {
      store,
      toState: (data: Server) => ({ userName: data.user.name, roles: data.user.roles }),
    });
    applier.apply(snap('1', { user: { name: 'ada', roles: ['admin'] }, version: 1 }));
    expect(get()).toEqual({ userName: 'ada', roles: ['admin'], note: 'local' });
    const roles = get().roles;
    applier.applyPatch?.(delta('2', [{ op: 'replace', path: ['user', 'name'], value: 'bob' }]));
    expect(get()).toEqual({ userName: 'bob', roles: ['admin'], note: 'local' });
    expect(get().roles).toBe(roles);
    applier.applyPatch?.(delta('3', [{ op: 'replace', path: ['version'], value: 2 }]));
    expect(seen).toHaveLength(2);
  });
});

describe('a one-item delta on a 10,000-item list', () => {
  type Item = { id: number; title: string; done: boolean };
  type Todos = { items: Item[]; filter: string };
  const N = 10_000;
  const CHANGED = 4_325;
  const items = (): Item[] =>
    Array.from({ length: N }, (_, id) => ({ id, title: `item ${id}`, done: false }));

  it('keeps every other item and notifies only the changed item’s subscribers', () => {
    const { store, base, seen, get } = setup<Todos>({ items: [], filter: 'all' });
    const applier = createJotaiSnapshotApplier(base, { store });
    applier.apply(snap('1', { items: items(), filter: 'all' }));
    const before = get();

    // Per-item derived atoms, as a virtualised list would mount them: every tenth item and the
    // one that changes. Jotai notifies a subscriber only when its atom's value is not Object.is.
    const watched = Array.from({ length: N / 10 }, (_, i) => i * 10 + 1);
    watched.push(CHANGED);
    const fired = new Map<number, number>();
    for (const index of watched) {
      const itemAtom = atom((get) => get(base).items[index]);
      store.sub(itemAtom, () => fired.set(index, (fired.get(index) ?? 0) + 1));
    }
    const filterAtom = atom((get) => get(base).filter);
    let filterFired = 0;
    store.sub(filterAtom, () => filterFired++);

    applier.applyPatch?.(
      delta('2', [{ op: 'replace', path: ['items', CHANGED, 'done'], value: true }]),
    );

    const after = get();
    expect(seen).toHaveLength(2);
    expect(after.items[CHANGED]).toEqual({ id: CHANGED, title: `item ${CHANGED}`, done: true });
    expect(before.items[CHANGED]?.done).toBe(false);
    expect([...fired]).toEqual([[CHANGED, 1]]);
    expect(filterFired).toBe(0);
    let same = 0;
    for (let i = 0; i < N; i++) if (after.items[i] === before.items[i]) same++;
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
    const { store, base, seen, get } = setup<Todos>({ items: [], draft: 'typing' });
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
      applier: createJotaiSnapshotApplier(base, { store, omitKeys: ['draft'] }),
      timers: clock,
      throttling: {},
    });
    await sync.start();
    expect(get()).toEqual({ items: [{ id: 1, done: false }], draft: 'typing' });

    authority.patch([{ op: 'replace', path: ['items', 0, 'done'], value: true }]);
    authority.patch([{ op: 'add', path: ['items', '-'], value: { id: 2, done: false } }]);
    await clock.flush();

    expect(get()).toEqual({
      items: [
        { id: 1, done: true },
        { id: 2, done: false },
      ],
      draft: 'typing',
    });
    expect(sync.getLocalRevision()).toBe('2');
    expect(fetches).toBe(1);
    expect(seen).toHaveLength(3);
    await sync.stop();
  });
});

describe('types', () => {
  it('checks keys against the atom’s value and accepts custom writable atoms', () => {
    const store = createStore();
    const base = atom<Settings>({ theme: 'light' });
    // @ts-expect-error: not a key of Settings
    createJotaiSnapshotApplier(base, { store, pickKeys: ['nope'] });
    const readOnly = atom((get) => get(base));
    // @ts-expect-error: a read-only atom cannot be written
    createJotaiSnapshotApplier(readOnly, { store });
    const writes: Settings[] = [];
    const custom = atom(
      (get) => get(base),
      (_get, set, next: Settings) => {
        writes.push(next);
        set(base, next);
      },
    );
    const applier: SnapshotApplier<Settings> = createJotaiSnapshotApplier(custom, {
      store,
      omitKeys: ['draft'],
    });
    applier.apply(snap('1', { theme: 'dark' }));
    expect(writes).toEqual([{ theme: 'dark' }]);
    expect(store.get(base)).toEqual({ theme: 'dark' });
  });
});
