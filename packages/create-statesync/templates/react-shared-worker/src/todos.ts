// The store, imported by the worker (which runs its actions) and by every page (which shows
// a mirror of it and calls the actions).
import { defineStore } from '@statesync/shared';

export interface Todo {
  id: number;
  text: string;
  done: boolean;
}

/** Names the SharedWorker and prefixes every topic: the same in the worker and the pages. */
export const APP_NAME = 'statesync-react-app';

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
