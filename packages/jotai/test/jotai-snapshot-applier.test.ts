import type { SnapshotApplier } from '@statesync/core';
import { createJotaiSnapshotApplier } from '@statesync/jotai';
import { atom, createStore, getDefaultStore, type WritableAtom } from 'jotai/vanilla';
import { describe, expect, it } from 'vitest';
import {
  delta,
  describeApplierConformance,
  type PlainState,
  snapshot,
} from '../../core/test/conformance/applier-conformance.js';

/** The atom written: a primitive atom, or a derived one that validates what it is given. */
type Subject = {
  store: ReturnType<typeof createStore>;
  base: WritableAtom<PlainState, [PlainState], void>;
};

describeApplierConformance<Subject>('jotai', {
  // The atom may come to hold any value; its type names the keys pickKeys/omitKeys check.
  create: (initial) => ({ store: createStore(), base: atom(initial as PlainState) }),
  applier: ({ store, base }, options) =>
    createJotaiSnapshotApplier<PlainState, unknown>(base, { store, ...options }),
  read: ({ store, base }) => store.get(base),
  subscribe: ({ store, base }, listener) => store.sub(base, listener),
  holdsNonObjects: true,
  itemIdentityKept: Object.is,
  // A derived atom that validates what is written to it.
  refusing(initial) {
    const inner = atom<PlainState>({ ...initial, locked: 'open' });
    const base = atom(
      (get) => get(inner),
      (_get, set, next: PlainState) => {
        assertAccepted(next);
        set(inner, next);
      },
    );
    return { store: createStore(), base };
  },
});

/** Throws for a state whose `locked` is `'refused'`: the conformance suite's refusing store. */
function assertAccepted(state: unknown): void {
  if ((state as PlainState | undefined)?.locked === 'refused') {
    throw new Error('locked refuses "refused"');
  }
}

type Settings = { theme: string; draft?: string };

describe('createJotaiSnapshotApplier', () => {
  it('uses the default store when none is given', () => {
    const base = atom<Settings>({ theme: 'light' });
    const applier = createJotaiSnapshotApplier(base);
    applier.apply(snapshot({ theme: 'dark' }));
    expect(getDefaultStore().get(base)).toEqual({ theme: 'dark' });
  });

  it('a one-item delta on a 10,000-item list notifies only the changed item’s atom', () => {
    type Item = { id: number; title: string; done: boolean };
    type Todos = { items: Item[]; filter: string };
    const N = 10_000;
    const CHANGED = 4_325;
    const store = createStore();
    const base = atom<Todos>({ items: [], filter: 'all' });
    const applier = createJotaiSnapshotApplier(base, { store });
    const items = Array.from({ length: N }, (_, id) => ({ id, title: `item ${id}`, done: false }));
    applier.apply(snapshot({ items, filter: 'all' }));

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

    applier.applyPatch?.(delta([{ op: 'replace', path: ['items', CHANGED, 'done'], value: true }]));

    expect([...fired]).toEqual([[CHANGED, 1]]);
    expect(filterFired).toBe(0);
    expect(store.get(base).items[CHANGED]?.done).toBe(true);
  });

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
    applier.apply(snapshot({ theme: 'dark' }));
    expect(writes).toEqual([{ theme: 'dark' }]);
    expect(store.get(base)).toEqual({ theme: 'dark' });
  });
});
