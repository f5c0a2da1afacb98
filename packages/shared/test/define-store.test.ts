import { isStateSyncError } from '@statesync/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { runAction } from '../src/authority/run-action.js';
import { defineStore, type StoreHandle, spawn } from '../src/index.js';
import { counter, todos } from './stores.js';

describe('defineStore', () => {
  it('types spawn from the definition: action names, argument tuples, results', () => {
    // Type-level only: never called.
    const check = (handle: StoreHandle<typeof counter>, list: StoreHandle<typeof todos>) => {
      expectTypeOf(spawn(handle, 'increase', [1])).toEqualTypeOf<Promise<number>>();
      expectTypeOf(spawn(list, 'add', ['milk'])).toEqualTypeOf<Promise<number>>();
      expectTypeOf(spawn(list, 'removeDone', [])).toEqualTypeOf<Promise<void>>();
      expectTypeOf(handle.getState()).toEqualTypeOf<{ count: number }>();
      // @ts-expect-error not an action of the counter
      void spawn(handle, 'decrease', [1]);
      // @ts-expect-error increase takes a number
      void spawn(handle, 'increase', ['1']);
      // @ts-expect-error increase takes exactly one argument
      void spawn(handle, 'increase', []);
    };
    expect(typeof check).toBe('function');
  });

  it('refuses bad names, a state that is not a function and actions that are not functions', () => {
    const bad = [
      () => defineStore({ name: 'a/b', state: () => ({}), actions: {} }),
      () => defineStore({ name: '', state: () => ({}), actions: {} }),
      () => defineStore({ name: 'x', state: {} as never, actions: {} }),
      () => defineStore({ name: 'x', state: () => ({}), actions: { run: 1 as never } }),
    ];
    for (const make of bad) {
      expect(make).toThrowError(expect.objectContaining({ code: 'invalid_option' }));
    }
  });
});

describe('runAction', () => {
  it('records the patches of a change and returns the next state without touching the old', () => {
    const before = { items: [{ id: 1, text: 'a', done: false }], filter: 'all' as const };
    const outcome = runAction(todos, before, 'toggle', [1]);
    expect(outcome.state).toEqual({ items: [{ id: 1, text: 'a', done: true }], filter: 'all' });
    expect(before.items[0]!.done).toBe(false);
    expect(outcome.ops).toEqual([{ op: 'replace', path: ['items', 0, 'done'], value: true }]);
    // The returned draft is copied out of the draft, which is revoked by now.
    expect(outcome.value).toEqual({ id: 1, text: 'a', done: true });
  });

  it('leaves the state as it was when the action throws', () => {
    const before = { items: [], filter: 'all' as const };
    expect(() => runAction(todos, before, 'toggle', [9])).toThrowError(RangeError);
  });

  it('refuses actions that return a promise, before any change is kept', () => {
    const slow = defineStore({
      name: 'slow',
      state: () => ({ n: 0 }),
      actions: {
        async bump(draft) {
          draft.n++;
        },
      },
    });
    const before = { n: 0 };
    expect(() => runAction(slow, before, 'bump', [])).toThrowError(/must be synchronous/);
    expect(before).toEqual({ n: 0 });
  });

  it('refuses a result that cannot be cloned, naming its path', () => {
    const leaky = defineStore({
      name: 'leaky',
      state: () => ({ n: 0 }),
      actions: {
        handler(draft) {
          draft.n++;
          return { ok: true, onDone: () => draft.n };
        },
      },
    });
    let thrown: unknown;
    try {
      runAction(leaky, { n: 0 }, 'handler', []);
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'not_cloneable')).toBe(true);
    expect((thrown as Error).message).toMatch(/^leaky\.handler result\.onDone cannot be/);
  });

  it('knows only own actions: inherited names are not actions', () => {
    expect(() => runAction(counter, { count: 0 }, 'toString', [])).toThrowError(
      expect.objectContaining({ code: 'invalid_option' }),
    );
  });
});
