import { defineStore } from '@statesync/shared';

/** A to-do list, as the example and the tests use it. */
export const todos = defineStore({
  name: 'todos',
  state: () => ({ items: [] as { id: number; text: string; done: boolean }[], next: 1 }),
  actions: {
    add(draft, text: string) {
      if (typeof text !== 'string' || text === '') throw new Error('a to-do needs a text');
      const id = draft.next++;
      draft.items.push({ id, text, done: false });
      return id;
    },
    toggle(draft, id: number) {
      const item = draft.items.find((entry) => entry.id === id);
      if (item) item.done = !item.done;
    },
    count(draft) {
      return draft.items.length;
    },
  },
});

/** Counts each client's calls and sums their tokens: a doubled or lost call shows in both. */
export const tally = defineStore({
  name: 'tally',
  state: () => ({ counts: {} as Record<string, number>, sums: {} as Record<string, number> }),
  actions: {
    add(draft, client: string, token: number) {
      draft.counts[client] = (draft.counts[client] ?? 0) + 1;
      draft.sums[client] = (draft.sums[client] ?? 0) + token;
      return draft.counts[client];
    },
  },
});
