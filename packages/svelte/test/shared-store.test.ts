import { toSharedStore } from '@statesync/svelte';
import { derived, get } from 'svelte/store';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { bedsPerTest, type ListHandle, list as todos } from '../../shared/test/kit/binding-kit.js';

type Todos = ListHandle;

const startBed = bedsPerTest();

describe('toSharedStore', () => {
  it('types the value, the selection and every action from the definition', () => {
    const check = (store: Todos) => {
      const whole = toSharedStore(store);
      expectTypeOf(get(whole)).toEqualTypeOf<{ items: string[]; title: string }>();
      expectTypeOf(whole.actions.add).toEqualTypeOf<(text: string) => Promise<number>>();
      expectTypeOf(get(toSharedStore(store, (s) => s.items.length))).toEqualTypeOf<number>();
      // @ts-expect-error add takes a string
      void whole.actions.add(1);
    };
    expect(typeof check).toBe('function');
  });

  it('a readable of the mirror with the handle’s actions; works with derived', async () => {
    const bed = await startBed({ stores: [todos], clients: 2 });
    const [a, b] = [bed.clients[0]!.store(todos), bed.clients[1]!.store(todos)];
    const items = toSharedStore(b, (s) => s.items);
    const count = derived(items, (list) => list.length);
    const seen: number[] = [];
    const stop = count.subscribe((value) => seen.push(value));
    expect(items.actions).toBe(b.actions);
    await a.actions.add('milk');
    await bed.settle();
    expect(await items.actions.add('eggs')).toBe(2);
    expect(get(items)).toEqual(['milk', 'eggs']);
    expect(seen).toEqual([0, 1, 2]);
    stop();
  });
});
