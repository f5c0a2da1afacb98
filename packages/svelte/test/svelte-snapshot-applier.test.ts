import { isStateSyncError } from '@statesync/core';
import { derived, get, type Readable, type Writable, writable } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import {
  caught,
  delta,
  describeApplierConformance,
  type PlainState,
  snapshot,
} from '../../core/test/conformance/applier-conformance.js';
import { createSvelteSnapshotApplier } from '../src/index.js';

describeApplierConformance('svelte', {
  create: (initial) => writable(initial as PlainState),
  applier: (store, options) => createSvelteSnapshotApplier<PlainState, unknown>(store, options),
  read: (store) => get(store),
  subscribe: (store, listener) => skipFirst(store, listener),
  holdsNonObjects: true,
  itemIdentityKept: Object.is,
  // A custom store that validates each value before it is set.
  refusing(initial) {
    const inner = writable<PlainState>({ ...initial, locked: 'open' });
    const set = (value: PlainState) => {
      assertAccepted(value);
      inner.set(value);
    };
    return {
      subscribe: inner.subscribe,
      set,
      update: (updater: (value: PlainState) => PlainState) => set(updater(get(inner))),
    };
  },
});

/** Throws for a state whose `locked` is `'refused'`: the conformance suite's refusing store. */
function assertAccepted(state: unknown): void {
  if ((state as PlainState | undefined)?.locked === 'refused') {
    throw new Error('locked refuses "refused"');
  }
}

/** Subscribes without the call a Svelte store makes on subscribing. */
function skipFirst<T>(store: Readable<T>, listener: (value: T) => void): () => void {
  let initial = true;
  return store.subscribe((value) => {
    if (initial) initial = false;
    else listener(value);
  });
}

type Settings = { theme: string; fontSize?: number };

describe('createSvelteSnapshotApplier', () => {
  it('a one-item delta on a 10,000-item list notifies only the derived store of that item', () => {
    type Item = { id: number; title: string; done: boolean };
    type Todos = { items: Item[]; filter: { status: string } };
    const items = Array.from({ length: 10_000 }, (_, id) => ({
      id,
      title: `task ${id}`,
      done: false,
    }));
    const store = writable<Todos>({ items: [], filter: { status: 'all' } });
    const applier = createSvelteSnapshotApplier(store);
    applier.apply(snapshot({ items, filter: { status: 'all' } }));

    // One derived store per item, of a primitive: Svelte compares those by value.
    const fired: number[] = [];
    const stops = items.map((_, index) =>
      skipFirst(
        derived(store, ($todos) => $todos.items[index]?.done),
        () => fired.push(index),
      ),
    );
    applier.applyPatch?.(delta([{ op: 'replace', path: ['items', 4321, 'done'], value: true }]));

    expect(fired).toEqual([4321]);
    expect(get(store).items[4321]?.done).toBe(true);
    for (const stop of stops) stop();
  });

  it('derived stores of objects are notified on every set (safe_not_equal), so compare identity', () => {
    const store = writable({ a: { n: 1 }, b: { n: 2 } });
    const applier = createSvelteSnapshotApplier(store);
    applier.apply(snapshot({ a: { n: 1 }, b: { n: 2 } }));
    const a = derived(store, ($s) => $s.a);
    const seen: { n: number }[] = [];
    const stop = a.subscribe((value) => seen.push(value));
    applier.applyPatch?.(delta([{ op: 'replace', path: ['b', 'n'], value: 3 }]));
    // Svelte notifies for any object, even an unchanged one: that is what the README warns of.
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
    stop();
  });

  it('checks the store and its keys', () => {
    const error = caught(() => createSvelteSnapshotApplier({} as Writable<Settings>));
    expect(isStateSyncError(error) && error.code).toBe('invalid_option');
    const store = writable<Settings>({ theme: 'light' });
    // @ts-expect-error: not a key of the store's state
    createSvelteSnapshotApplier(store, { pickKeys: ['colour'] });
    // @ts-expect-error: not a key of the store's state
    createSvelteSnapshotApplier(store, { omitKeys: ['colour'] });
  });
});
