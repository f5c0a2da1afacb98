import { defineStore } from '@statesync/shared';

/** The to-do list, defined once: the server runs its actions, every page renders it. */
export const todos = defineStore({
  name: 'todos',
  state: () => ({ items: [] as { id: number; text: string; done: boolean }[], next: 1 }),
  actions: {
    add(draft, text: string) {
      const trimmed = text.trim();
      if (trimmed === '') throw new Error('a to-do needs a text');
      const id = draft.next++;
      draft.items.push({ id, text: trimmed, done: false });
      return id;
    },
    toggle(draft, id: number) {
      const item = draft.items.find((entry) => entry.id === id);
      if (item) item.done = !item.done;
    },
  },
});
