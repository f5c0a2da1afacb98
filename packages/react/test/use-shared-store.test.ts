// useSharedStore in Node: server renders of a shared-app store handle, before and after a call
// through the actions the hook returned. Re-renders in a live tree are useStore's, measured in
// real Chromium (e2e/shared.test.ts).
import { useSharedStore } from '@statesync/react';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { bedsPerTest, type ListHandle, list as todos } from '../../shared/test/kit/binding-kit.js';

type Todos = ListHandle;

/** What every render of List got from the hook. */
const returned: Todos['actions'][] = [];
function List({ store }: { store: Todos }) {
  const { state, actions } = useSharedStore(store, (s) => s.items);
  returned.push(actions);
  return createElement(
    'ul',
    null,
    ...state.map((item) => createElement('li', { key: item }, item)),
  );
}

const startBed = bedsPerTest();

describe('useSharedStore (React)', () => {
  it('types the state, the selection and every action from the definition', () => {
    // Type-level only: never called.
    const check = (store: Todos) => {
      const whole = useSharedStore(store);
      expectTypeOf(whole.state).toEqualTypeOf<{ items: string[]; title: string }>();
      expectTypeOf(whole.actions.add).toEqualTypeOf<(text: string) => Promise<number>>();
      const picked = useSharedStore(store, (state) => state.items.length);
      expectTypeOf(picked.state).toEqualTypeOf<number>();
      // @ts-expect-error add takes a string
      void whole.actions.add(1);
    };
    expect(typeof check).toBe('function');
  });

  it('renders the mirror and hands out the handle’s actions, which run on the authority', async () => {
    const bed = await startBed({ stores: [todos], clients: 2 });
    const [a, b] = [bed.clients[0]!.store(todos), bed.clients[1]!.store(todos)];
    returned.length = 0;
    expect(renderToString(createElement(List, { store: a }))).toBe('<ul></ul>');
    expect(returned[0]).toBe(a.actions);
    expect(await returned[0]!.add('milk')).toBe(1);
    await bed.settle();
    expect(renderToString(createElement(List, { store: b }))).toBe('<ul><li>milk</li></ul>');
    expect(renderToString(createElement(List, { store: a }))).toBe('<ul><li>milk</li></ul>');
  });
});
