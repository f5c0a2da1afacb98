// The store: its state and the actions that change it. They run in one tab only, the one the
// tabs elected; every other tab shows a mirror and asks that tab to run them.
import { defineStore } from '@statesync/shared';

export interface Todo {
  id: number;
  text: string;
  done: boolean;
}

export const todos = defineStore({
  name: 'todos',
  state: () => ({ items: [] as Todo[], nextId: 1 }),
  actions: {
    add(draft, text: string) {
      const trimmed = text.trim();
      if (trimmed === '') throw new RangeError('a to-do needs some text');
      const id = draft.nextId++;
      draft.items.push({ id, text: trimmed, done: false });
      return id;
    },
    toggle(draft, id: number) {
      const item = draft.items.find((todo) => todo.id === id);
      if (item) item.done = !item.done;
    },
    clearDone(draft) {
      draft.items = draft.items.filter((todo) => !todo.done);
    },
  },
});
