import { createTestStore } from '@statesync/core/testing';
import { spawn } from '@statesync/shared';
import { toReadable } from '@statesync/svelte';
import { derived, get } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import { bedsPerTest, board } from '../../shared/test/kit/binding-kit.js';

interface Board {
  count: number;
  title: string;
  tags: string[];
}

const initial = (): Board => ({ count: 0, title: 'a', tags: ['x'] });

describe('toReadable', () => {
  it('tells subscribers only about changes to the selected part', () => {
    const store = createTestStore(initial());
    const count = toReadable(store, (state) => state.count);
    const seen: number[] = [];
    const stop = count.subscribe((value) => seen.push(value));
    expect(seen).toEqual([0]); // Svelte calls a new subscriber with the current value

    store.setState({ ...store.getState(), title: 'b' });
    store.setState({ ...store.getState(), tags: ['y'] });
    expect(seen).toEqual([0]);

    store.setState({ ...store.getState(), count: 1 });
    expect(seen).toEqual([0, 1]);
    stop();
  });

  it('does not re-announce an unchanged object, which Svelte alone would', () => {
    const store = createTestStore(initial());
    const tags = toReadable(store, (state) => state.tags);
    const whole = toReadable(store);
    const seenTags: string[][] = [];
    const seenWhole: Board[] = [];
    const stops = [
      tags.subscribe((v) => seenTags.push(v)),
      whole.subscribe((v) => seenWhole.push(v)),
    ];
    store.setState({ ...store.getState(), count: 1 });
    expect(seenTags).toHaveLength(1);
    expect(seenTags[0]).toBe(store.getState().tags);
    expect(seenWhole).toHaveLength(2);
    expect(seenWhole[1]).toBe(store.getState());
    for (const stop of stops) stop();
  });

  it('subscribes on the first subscriber and unsubscribes after the last', () => {
    const store = createTestStore(initial());
    const title = toReadable(store, (state) => state.title);
    expect(store.listenerCount()).toBe(0);
    const seen: string[][] = [[], []];
    const first = title.subscribe((value) => seen[0]!.push(value));
    const second = title.subscribe((value) => seen[1]!.push(value));
    expect(store.listenerCount()).toBe(1);
    first();
    expect(store.listenerCount()).toBe(1);
    second();
    expect(store.listenerCount()).toBe(0);

    // Changed while nobody listened: the next subscriber gets the current value at once.
    store.setState({ ...store.getState(), title: 'while away' });
    expect(get(title)).toBe('while away');
    expect(store.listenerCount()).toBe(0);
    const late: string[] = [];
    const stop = title.subscribe((value) => late.push(value));
    expect(late).toEqual(['while away']);
    stop();
    expect(seen).toEqual([['a'], ['a']]);
  });

  it('with isEqual, an equal new selection is not a change; derived stores follow', () => {
    const store = createTestStore(initial());
    const summary = toReadable(
      store,
      (state) => ({ count: state.count, tags: state.tags.length }),
      (a, b) => a.count === b.count && a.tags === b.tags,
    );
    const label = derived(summary, (value) => `${value.count}/${value.tags}`);
    const seen: string[] = [];
    const stop = label.subscribe((value) => seen.push(value));
    store.setState({ ...store.getState(), tags: ['y'] }); // same length
    store.setState({ ...store.getState(), title: 'renamed' });
    expect(seen).toEqual(['0/1']);
    store.setState({ ...store.getState(), tags: ['y', 'z'] });
    expect(seen).toEqual(['0/1', '0/2']);
    stop();
  });
});

describe('toReadable on a shared-app store handle', () => {
  const startBed = bedsPerTest();

  it("follows a client's mirror, one notification per change of its part", async () => {
    const bed = await startBed({ stores: [board], clients: 2 });
    const [a, b] = [bed.clients[0]!, bed.clients[1]!];
    const counts: number[] = [];
    const titles: string[] = [];
    const stops = [
      toReadable(b.store(board), (state) => state.count).subscribe((v) => counts.push(v)),
      toReadable(b.store(board), (state) => state.title).subscribe((v) => titles.push(v)),
    ];
    await spawn(a.store(board), 'increase', [1]);
    await spawn(a.store(board), 'increase', [1]);
    await spawn(a.store(board), 'rename', ['plans']);
    await bed.settle();
    expect(counts).toEqual([0, 1, 2]);
    expect(titles).toEqual(['untitled', 'plans']);
    for (const stop of stops) stop();
  });
});
