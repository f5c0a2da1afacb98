// What the framework bindings' tests share (react, vue, svelte, pinia, zustand): two small
// store definitions, a test bed per test disposed after it, and a bounded wait.
import { afterEach } from 'vitest';
import { defineStore, type StoreHandle } from '../../src/index.js';
import { createTestBed, type TestBed, type TestBedOptions } from '../../src/testing.js';

/** A list of strings; `add` returns the new length. */
export const list = defineStore({
  name: 'todos',
  state: () => ({ items: [] as string[], title: 'list' }),
  actions: {
    add(draft, text: string) {
      draft.items.push(text);
      return draft.items.length;
    },
  },
});
export type ListHandle = StoreHandle<typeof list>;

/** Two independent parts, for tests of what re-renders when only one of them changes. */
export const board = defineStore({
  name: 'board',
  state: () => ({ count: 0, title: 'untitled' }),
  actions: {
    increase(draft, by: number) {
      draft.count += by;
      return draft.count;
    },
    rename(draft, title: string) {
      draft.title = title;
    },
  },
});

/** `bed(options)` starts a test bed that is disposed after the test. */
export function bedsPerTest(): (options: TestBedOptions) => Promise<TestBed> {
  const beds: TestBed[] = [];
  afterEach(async () => {
    await Promise.all(beds.splice(0).map((bed) => bed.dispose()));
  });
  return async (options) => {
    const bed = await createTestBed(options);
    beds.push(bed);
    return bed;
  };
}

/** Waits until `check()` holds, polling every 10 ms for at most `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
