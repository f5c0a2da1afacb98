import { afterEach, describe, expect, it } from 'vitest';
import { defineStore, spawn } from '../src/index.js';
import { keepEqual } from '../src/store/keep-equal.js';
import { createTestBed, type HubTraffic, type TestBed } from '../src/testing.js';
import { todos } from './stores.js';

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
});

describe('mirrors', () => {
  it('keep the identity of every part a change did not touch', async () => {
    bed = await createTestBed({ stores: [todos] });
    const store = bed.clients[0]!.store(todos);
    await spawn(store, 'add', ['a']);
    await spawn(store, 'add', ['b']);
    const before = store.getState();
    await spawn(store, 'setFilter', ['open']);
    const after = store.getState();
    expect(after).not.toBe(before);
    expect(after.filter).toBe('open');
    expect(after.items).toBe(before.items);
    await spawn(store, 'toggle', [2]);
    const toggled = store.getState();
    expect(toggled.items).not.toBe(after.items);
    expect(toggled.items[0]).toBe(after.items[0]);
    expect(toggled.items[1]).toEqual({ id: 2, text: 'b', done: true });
  });

  it('notify once per change, never for a call that changed nothing', async () => {
    bed = await createTestBed({ stores: [todos] });
    const store = bed.clients[0]!.store(todos);
    const seen: unknown[] = [];
    store.subscribe((state) => seen.push(state));
    await spawn(store, 'setFilter', ['all']); // already 'all': no patch, no revision
    expect(seen).toEqual([]);
    expect(store.status.getState().localRevision).toBe('0');
    await spawn(store, 'add', ['x']);
    expect(seen).toHaveLength(1);
  });
});

describe('deltas from mutative', () => {
  it('apply on every client without a pull: arrays that shrink, nested objects, removed keys', async () => {
    const board = defineStore({
      name: 'board',
      state: () => ({
        columns: [{ name: 'todo', cards: ['a', 'b', 'c'] }] as { name: string; cards: string[] }[],
        labels: { urgent: 'red' } as Record<string, string>,
      }),
      actions: {
        edit(draft) {
          draft.columns[0]!.cards.pop();
          draft.columns[0]!.cards.splice(0, 1, 'z');
          draft.columns.push({ name: 'done', cards: [] });
          delete draft.labels.urgent;
          draft.labels.later = 'grey';
        },
        shrink(draft) {
          draft.columns.length = 1;
          draft.columns[0]!.cards.length = 0;
        },
      },
    });
    bed = await createTestBed({ stores: [board], clients: 3 });
    const traffic: HubTraffic[] = [];
    bed.hub.tap((entry) => traffic.push(entry));
    await spawn(bed.clients[0]!.store(board), 'edit', []);
    await spawn(bed.clients[1]!.store(board), 'shrink', []);
    await spawn(bed.clients[2]!.store(board), 'edit', []);
    await bed.settle();
    for (const client of bed.clients) {
      expect(client.store(board).getState()).toEqual(bed.server.store(board).getState());
    }
    expect(bed.server.store(board).getState()).toEqual({
      columns: [
        { name: 'todo', cards: ['z'] },
        { name: 'done', cards: [] },
      ],
      labels: { later: 'grey' },
    });
    expect(traffic.filter((entry) => (entry.message as { type?: string }).type === 'pull')).toEqual(
      [],
    );
  });
});

describe('keepEqual', () => {
  it('keeps every deeply equal part of the previous value', () => {
    const previous = { a: { list: [1, 2], deep: { x: 1 } }, b: [{ id: 1 }, { id: 2 }], c: 'same' };
    const next = structuredClone(previous);
    expect(keepEqual(previous, next)).toBe(previous);
    const changed = structuredClone(previous);
    changed.b[1]!.id = 3;
    const merged = keepEqual(previous, changed) as typeof previous;
    expect(merged).toEqual(changed);
    expect(merged).not.toBe(previous);
    expect(merged.a).toBe(previous.a);
    expect(merged.b[0]).toBe(previous.b[0]);
    expect(merged.b[1]).not.toBe(previous.b[1]);
  });

  it('takes the new value for added keys, removed keys and other kinds', () => {
    expect(keepEqual({ a: 1 }, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(keepEqual({ a: 1, b: 2 }, { a: 1 })).toEqual({ a: 1 });
    expect(keepEqual([1, 2], [1])).toEqual([1]);
    // A list that was empty: the new one as it came, no copy; an empty one stays the same.
    const items = [{ id: 1 }, { id: 2 }];
    expect((keepEqual({ items: [] }, { items }) as { items: unknown }).items).toBe(items);
    const empty: unknown[] = [];
    expect((keepEqual({ items: empty }, { items: [] }) as { items: unknown }).items).toBe(empty);
    const date = new Date(0);
    expect(keepEqual(new Date(0), date)).toBe(date);
    expect(keepEqual({ a: [1] }, { a: { 0: 1 } })).toEqual({ a: { 0: 1 } });
  });
});
