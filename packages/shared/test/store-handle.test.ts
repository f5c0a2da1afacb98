import { isStateSyncError } from '@statesync/core';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { createSharedApp, type StoreHandle, spawn } from '../src/index.js';
import { createTestBed, type TestBed } from '../src/testing.js';
import { counter, todos } from './stores.js';

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
});

describe('store handles: actions as methods', () => {
  it('types each method from the definition, as spawn is typed', () => {
    // Type-level only: never called.
    const check = (handle: StoreHandle<typeof counter>, list: StoreHandle<typeof todos>) => {
      expectTypeOf(handle.actions.increase(1)).toEqualTypeOf<Promise<number>>();
      expectTypeOf(list.actions.add).toEqualTypeOf<(text: string) => Promise<number>>();
      expectTypeOf(list.actions.removeDone()).toEqualTypeOf<Promise<void>>();
      expectTypeOf(list.actions.toggle).returns.toEqualTypeOf<
        ReturnType<typeof spawn<typeof todos, 'toggle'>>
      >();
      // @ts-expect-error not an action of the counter
      void handle.actions.decrease;
      // @ts-expect-error increase takes a number
      void handle.actions.increase('1');
      // @ts-expect-error increase takes exactly one argument
      void handle.actions.increase();
    };
    expect(typeof check).toBe('function');
  });

  it('runs on the authority and resolves once the caller shows the change, on clients and the authority', async () => {
    bed = await createTestBed({ stores: [counter, todos], clients: 2 });
    const [first, second] = bed.clients;
    const list = first!.store(todos);
    const id = await list.actions.add('milk');
    expect(list.getState().items).toEqual([{ id, text: 'milk', done: false }]);
    expect(await second!.store(todos).actions.toggle(id)).toEqual({ id, text: 'milk', done: true });
    expect(second!.store(todos).getState().items[0]?.done).toBe(true);
    // The authority's own handle has the same methods.
    expect(await bed.server.store(counter).actions.increase(2)).toBe(2);
    // Mixed with spawn, the calls form one sequence.
    expect(await spawn(first!.store(counter), 'increase', [3])).toBe(5);
    await bed.settle();
    expect(first!.store(counter).getState()).toEqual({ count: 5 });
    expect(bed.server.store(todos).getState()).toEqual(first!.store(todos).getState());
  });

  it('rejects like spawn: a throwing action with remote, nothing changed; an uncloneable argument with not_cloneable', async () => {
    bed = await createTestBed({ stores: [todos], clients: 1 });
    const list = bed.clients[0]!.store(todos);
    const thrown = await list.actions.toggle(42).catch((error: unknown) => error);
    expect(isStateSyncError(thrown, 'remote')).toBe(true);
    expect((thrown as Error).message).toContain('no todo 42');
    const odd = await list.actions.add((() => 'x') as unknown as string).catch((e: unknown) => e);
    expect(isStateSyncError(odd, 'not_cloneable')).toBe(true);
    expect(list.getState().items).toEqual([]);
  });

  it('has exactly the definition’s actions, frozen, and keeps the same handle for every app.store call', async () => {
    const app = createSharedApp({ stores: [todos], share: { name: 'handles', type: 'Local' } });
    try {
      const handle = app.store(todos);
      expect(Object.keys(handle.actions).sort()).toEqual([
        'add',
        'removeDone',
        'setFilter',
        'toggle',
      ]);
      expect(Object.isFrozen(handle.actions)).toBe(true);
      expect(app.store(todos)).toBe(handle);
      await app.ready;
      expect(await handle.actions.add('bread')).toBe(1);
      expect(handle.getState().items).toHaveLength(1);
    } finally {
      await app.dispose();
    }
    // After dispose, a method call rejects as spawn does.
    const late = await app
      .store(todos)
      .actions.add('late')
      .catch((error: unknown) => error);
    expect(isStateSyncError(late, 'stopped')).toBe(true);
  });
});
