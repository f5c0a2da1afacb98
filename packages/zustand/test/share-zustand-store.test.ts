// An existing Zustand store (real zustand/vanilla) shared in one call. "Tabs" are apps in one
// process over Node's BroadcastChannel, in SharedTab mode (elected by heartbeats: Node has no Web
// Locks); each tab has its own copy of the store, as each browser tab would.
import { isStateSyncError } from '@statesync/core';
import type { BoundStore } from '@statesync/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { until } from '../../shared/test/kit/binding-kit.js';
import { shareZustandStore } from '../src/shared.js';

interface Todos {
  items: string[];
  filter: 'all' | 'open';
  add(text: string): number;
  fail(): void;
  later(): Promise<void>;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const bound: BoundStore[] = [];
afterEach(async () => {
  await Promise.all(bound.splice(0).map((binding) => binding.dispose()));
});

const makeTodos = () =>
  createStore<Todos>()((set, get) => ({
    items: [],
    filter: 'all',
    add(text) {
      set({ items: [...get().items, text] });
      return get().items.length;
    },
    fail() {
      set({ items: [...get().items, 'half-done'] });
      throw new RangeError('no');
    },
    async later() {},
  }));

let appNumber = 0;
function tabs(count: number) {
  const name = `zustand-share-${++appNumber}`;
  return Array.from({ length: count }, () => {
    const store = makeTodos();
    const binding = shareZustandStore(store, {
      name: 'todos',
      share: { name, type: 'SharedTab' },
      logger: quiet,
    });
    bound.push(binding);
    return { store, binding };
  });
}

describe('shareZustandStore', () => {
  it('runs the actions once, on the leader; every tab’s store mirrors the result', async () => {
    const all = tabs(3);
    await Promise.all(all.map(({ binding }) => binding.ready));
    const [a, b, c] = all.map(({ store }) => store);
    // An action called on any tab's store resolves with its value once that tab shows it.
    await expect(b!.getState().add('milk') as unknown as Promise<number>).resolves.toBe(1);
    expect(b!.getState().items).toEqual(['milk']);
    await expect(c!.getState().add('eggs') as unknown as Promise<number>).resolves.toBe(2);
    await expect(a!.getState().add('bread') as unknown as Promise<number>).resolves.toBe(3);
    await until(
      () => all.every(({ store }) => store.getState().items.length === 3),
      'every tab to show three items',
    );
    for (const { store } of all) {
      expect(store.getState().items).toEqual(['milk', 'eggs', 'bread']);
      expect(store.getState().filter).toBe('all');
      expect(typeof store.getState().add).toBe('function');
    }
    expect(all.filter(({ binding }) => binding.app.role === 'leader')).toHaveLength(1);
  });

  it('many calls at once from every tab are each applied once', async () => {
    const all = tabs(2);
    await Promise.all(all.map(({ binding }) => binding.ready));
    const calls = all.flatMap(({ store }, tab) =>
      Array.from(
        { length: 10 },
        (_, i) => store.getState().add(`${tab}-${i}`) as unknown as Promise<number>,
      ),
    );
    const lengths = (await Promise.all(calls)).sort((x, y) => x - y);
    expect(lengths).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await until(
      () => all.every(({ store }) => store.getState().items.length === 20),
      'every tab to show 20 items',
    );
    expect(new Set(all[0]!.store.getState().items).size).toBe(20);
  });

  it('a throwing action changes nothing anywhere; an async one is refused', async () => {
    const all = tabs(2);
    await Promise.all(all.map(({ binding }) => binding.ready));
    const [a, b] = all.map(({ store }) => store);
    await (a!.getState().add('keep') as unknown as Promise<number>);
    const thrown = await (b!.getState().fail() as unknown as Promise<void>).catch((e) => e);
    expect(isStateSyncError(thrown, 'remote')).toBe(true);
    const refused = await b!
      .getState()
      .later()
      .catch((e: unknown) => e);
    expect(isStateSyncError(refused, 'invalid_option')).toBe(true);
    expect((refused as Error).message).toContain('only synchronous actions');
    await (b!.getState().add('after') as unknown as Promise<number>);
    await until(
      () => all.every(({ store }) => store.getState().items.length === 2),
      'both tabs to show two items',
    );
    for (const { store } of all) expect(store.getState().items).toEqual(['keep', 'after']);
  });

  it('dispose puts the store’s own actions back', async () => {
    const [tab] = tabs(1);
    await tab!.binding.ready;
    await tab!.binding.dispose();
    expect(tab!.store.getState().add('local')).toBe(1);
    expect(tab!.store.getState().items).toEqual(['local']);
  });
});
