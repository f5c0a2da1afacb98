// Node has no DOM, so these tests cover what React does without one: the selection memo that
// decides whether `useSyncExternalStore` sees a change, and server rendering (renderToString).
// Re-render counts in a live React tree are measured in real Chromium (e2e/shared.test.ts).
import { createTestStore } from '@statesync/core/testing';
import { type ReadableStore, useStore } from '@statesync/react';
import { defineStore, spawn } from '@statesync/shared';
import { createTestBed } from '@statesync/shared/testing';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { memoizeSelection, type Shown } from '../src/selection.js';

interface Board {
  count: number;
  title: string;
  tags: string[];
}

const none = <U>(): Shown<U> => ({ has: false, value: undefined as U });

describe('memoizeSelection (what useSyncExternalStore compares)', () => {
  const initial: Board = { count: 0, title: 'a', tags: ['x'] };

  it('returns the previous selection while the selected part is unchanged', () => {
    const select = memoizeSelection((state: Board) => state.count, Object.is, none());
    expect(select(initial)).toBe(0);
    // Another field changed: a new state, the same selection, so React would not re-render.
    const renamed = { ...initial, title: 'b' };
    expect(select(renamed)).toBe(0);
    expect(select({ ...renamed, count: 1 })).toBe(1);
  });

  it('runs the selector once per state', () => {
    let runs = 0;
    const select = memoizeSelection(
      (state: Board) => {
        runs++;
        return state.tags;
      },
      Object.is,
      none(),
    );
    select(initial);
    select(initial);
    select(initial);
    expect(runs).toBe(1);
  });

  it('keeps an equal selection by identity with a custom isEqual', () => {
    const pair = (state: Board) => ({ count: state.count, first: state.tags[0] });
    type Pair = { count: number; first: string | undefined };
    const shallow = (a: Pair, b: Pair) => a.count === b.count && a.first === b.first;
    const select = memoizeSelection(pair, shallow, none());
    const first = select(initial);
    // A new object each time from the selector, but equal: the first one is kept.
    expect(select({ ...initial, title: 'renamed' })).toBe(first);
    expect(select({ ...initial, tags: ['x', 'y'] })).toBe(first);
    const changed = select({ ...initial, count: 2 });
    expect(changed).not.toBe(first);
    expect(changed).toEqual({ count: 2, first: 'x' });
    // Without isEqual (Object.is), every run of that selector is a change.
    const strict = memoizeSelection(pair, Object.is, none());
    expect(strict(initial)).not.toBe(strict({ ...initial, title: 'renamed' }));
  });

  it('a new selector (an inline arrow on the next render) keeps what was shown when equal', () => {
    const shown: Shown<string[]> = { has: true, value: initial.tags };
    const select = memoizeSelection(
      (state: Board) => [...state.tags],
      (a, b) => a.length === b.length && a.every((tag, i) => tag === b[i]),
      shown,
    );
    expect(select(initial)).toBe(initial.tags);
    expect(select({ ...initial, tags: ['z'] })).toEqual(['z']);
  });
});

// Components at module level, as React wants them; the store comes in as a prop.
function TitleAndCount({ store }: { store: ReadableStore<Board> }) {
  const title = useStore(store, (state) => state.title);
  const count = useStore(store, (state) => state.count);
  return createElement('h1', null, `${title} ${count}`);
}

function WholeState({ store }: { store: ReadableStore<{ count: number }> }) {
  return createElement('b', null, useStore(store).count);
}

function Count({ store }: { store: ReadableStore<{ count: number }> }) {
  return createElement(
    'b',
    null,
    useStore(store, (state) => state.count),
  );
}

function CountAndLabel({ store }: { store: ReadableStore<{ count: number; label: string }> }) {
  const count = useStore(store, (state) => state.count);
  const label = useStore(store, (state) => state.label);
  return createElement('p', null, `${count} ${label}`);
}

describe('useStore in a server render', () => {
  const beds: { dispose(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(beds.splice(0).map((bed) => bed.dispose()));
  });

  it('renders the selected part of any Subscribable', () => {
    const store = createTestStore<Board>({ count: 3, title: 'hello', tags: [] });
    expect(renderToString(createElement(TitleAndCount, { store }))).toBe('<h1>hello 3</h1>');
    // Server rendering never subscribes.
    expect(store.listenerCount()).toBe(0);
  });

  it('renders the whole state without a selector', () => {
    const store = createTestStore({ count: 7 });
    expect(renderToString(createElement(WholeState, { store }))).toBe('<b>7</b>');
  });

  it('prefers getServerState, so that hydration can match what the server sent', () => {
    const store = { ...createTestStore({ count: 5 }), getServerState: () => ({ count: 0 }) };
    expect(renderToString(createElement(Count, { store }))).toBe('<b>0</b>');
  });

  it("renders a shared-app store handle: a client's mirror after a spawn", async () => {
    const counter = defineStore({
      name: 'counter',
      state: () => ({ count: 0, label: 'clicks' }),
      actions: {
        increase(draft, by: number) {
          draft.count += by;
          return draft.count;
        },
      },
    });
    const bed = await createTestBed({ stores: [counter], clients: 2 });
    beds.push(bed);
    const [a, b] = [bed.clients[0]!, bed.clients[1]!];
    await spawn(a.store(counter), 'increase', [2]);
    await bed.settle();
    const store = b.store(counter);
    expect(renderToString(createElement(CountAndLabel, { store }))).toBe('<p>2 clicks</p>');
  });
});
