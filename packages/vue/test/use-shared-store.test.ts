import { useSharedStore } from '@statesync/vue';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { effectScope, type ShallowRef, watch } from 'vue';
import { bedsPerTest, type ListHandle, list as todos } from '../../shared/test/kit/binding-kit.js';

type Todos = ListHandle;

const startBed = bedsPerTest();

describe('useSharedStore (Vue)', () => {
  it('types the ref, the selection and every action from the definition', () => {
    const check = (store: Todos) => {
      const whole = useSharedStore(store);
      expectTypeOf(whole.state).toEqualTypeOf<
        Readonly<ShallowRef<{ items: string[]; title: string }>>
      >();
      expectTypeOf(whole.actions.add).toEqualTypeOf<(text: string) => Promise<number>>();
      expectTypeOf(
        useSharedStore(store, (s) => s.items.length).state.value,
      ).toEqualTypeOf<number>();
      // @ts-expect-error add takes a string
      void whole.actions.add(1);
    };
    expect(typeof check).toBe('function');
  });

  it('a ref that follows the mirror, and the handle’s actions; unsubscribes with its scope', async () => {
    const bed = await startBed({ stores: [todos], clients: 2 });
    const [a, b] = [bed.clients[0]!.store(todos), bed.clients[1]!.store(todos)];
    const scope = effectScope();
    const seen: string[][] = [];
    const shared = scope.run(() => {
      const result = useSharedStore(b, (s) => s.items);
      watch(result.state, (items) => seen.push(items), { flush: 'sync' });
      return result;
    })!;
    expect(shared.actions).toBe(b.actions);
    expect(await a.actions.add('milk')).toBe(1);
    await bed.settle();
    expect(shared.state.value).toEqual(['milk']);
    expect(await shared.actions.add('eggs')).toBe(2);
    expect(shared.state.value).toEqual(['milk', 'eggs']);
    expect(seen).toEqual([['milk'], ['milk', 'eggs']]);
    scope.stop();
    await a.actions.add('bread');
    await bed.settle();
    expect(shared.state.value).toEqual(['milk', 'eggs']);
  });
});
