// An existing Pinia store (real Pinia, one Pinia instance per "tab") shared in one call. Tabs are
// apps in one process over Node's BroadcastChannel, in SharedTab mode (elected by heartbeats:
// Node has no Web Locks).
import { isStateSyncError } from '@statesync/core';
import type { BoundStore } from '@statesync/shared';
import { createPinia, defineStore } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../shared/test/kit/binding-kit.js';
import { sharePiniaStore } from '../src/shared.js';

const useTodos = defineStore('todos', {
  state: () => ({ items: [] as { text: string; done: boolean }[], title: 'list' }),
  getters: {
    open: (state) => state.items.filter((item) => !item.done).length,
  },
  actions: {
    add(text: string) {
      this.items.push({ text, done: false });
      return this.items.length;
    },
    toggle(index: number) {
      const item = this.items[index];
      if (!item) throw new RangeError(`no item ${index}`);
      item.done = !item.done;
    },
    fail() {
      this.title = 'changed';
      throw new Error('no');
    },
  },
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const bound: BoundStore[] = [];
afterEach(async () => {
  await Promise.all(bound.splice(0).map((binding) => binding.dispose()));
});

let appNumber = 0;
function tabs(count: number) {
  const name = `pinia-share-${++appNumber}`;
  return Array.from({ length: count }, () => {
    const store = useTodos(createPinia());
    const binding = sharePiniaStore(store, {
      name: 'todos',
      share: { name, type: 'SharedTab' },
      logger: quiet,
    });
    bound.push(binding);
    return { store, binding };
  });
}

// On a window, an action returns the promise of its call on the authority.
const call = <T>(value: T) => value as unknown as Promise<Awaited<T>>;

describe('sharePiniaStore', () => {
  it('runs the actions on the leader; every tab’s state and getters follow', async () => {
    const all = tabs(3);
    await Promise.all(all.map(({ binding }) => binding.ready));
    const [a, b, c] = all.map(({ store }) => store);
    await expect(call(b!.add('milk'))).resolves.toBe(1);
    expect(b!.items).toEqual([{ text: 'milk', done: false }]);
    await call(c!.add('eggs'));
    await call(a!.toggle(0));
    await until(
      () => all.every(({ store }) => store.items.length === 2 && store.open === 1),
      'every tab to show two items, one open',
    );
    for (const { store } of all) {
      expect(store.$state).toEqual({
        items: [
          { text: 'milk', done: true },
          { text: 'eggs', done: false },
        ],
        title: 'list',
      });
    }
    expect(all.filter(({ binding }) => binding.app.role === 'leader')).toHaveLength(1);
  });

  it('a throwing action changes nothing anywhere', async () => {
    const all = tabs(2);
    await Promise.all(all.map(({ binding }) => binding.ready));
    const [a, b] = all.map(({ store }) => store);
    await call(a!.add('keep'));
    for (const store of [a!, b!]) {
      const thrown = await call(store.fail()).catch((error: unknown) => error);
      expect(isStateSyncError(thrown, 'remote')).toBe(true);
    }
    const missing = await call(b!.toggle(5)).catch((error: unknown) => error);
    expect((missing as Error).message).toContain('no item 5');
    await call(b!.add('after'));
    await until(() => all.every(({ store }) => store.items.length === 2), 'two items everywhere');
    for (const { store } of all) {
      expect(store.title).toBe('list');
      expect(store.items.map((item) => item.text)).toEqual(['keep', 'after']);
    }
  });

  it('dispose puts the store’s own actions back', async () => {
    const [tab] = tabs(1);
    await tab!.binding.ready;
    await tab!.binding.dispose();
    expect(tab!.store.add('local')).toBe(1);
  });
});
