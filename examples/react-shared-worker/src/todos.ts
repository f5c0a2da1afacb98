// The one store of the app, imported by the worker (which runs its actions) and by the pages
// (which show it and call the actions with spawn).
import { defineStore } from '@statesync/shared';

export interface Todo {
  id: number;
  text: string;
  done: boolean;
}

/** Names the SharedWorker and prefixes every topic: the same in the worker and the pages. */
export const APP_NAME = 'react-shared-worker';

export const todos = defineStore({
  name: 'todos',
  state: () => ({ items: [] as Todo[], nextId: 1 }),
  actions: {
    add(draft, text: string) {
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.length > 200) {
        throw new RangeError('a todo needs 1 to 200 characters');
      }
      const id = draft.nextId++;
      draft.items.push({ id, text: trimmed, done: false });
      return id;
    },
    toggle(draft, id: number) {
      const item = draft.items.find((todo) => todo.id === id);
      if (!item) throw new RangeError(`no todo ${id}`);
      item.done = !item.done;
    },
    clearDone(draft) {
      draft.items = draft.items.filter((todo) => !todo.done);
    },
  },
});
