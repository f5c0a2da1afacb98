import { defineStore } from '../src/index.js';

/** The seed's counter, with a return value. */
export const counter = defineStore({
  name: 'counter',
  state: () => ({ count: 0 }),
  actions: {
    increase(draft, by: number) {
      draft.count += by;
      return draft.count;
    },
  },
});

export interface Todo {
  id: number;
  text: string;
  done: boolean;
}

export const todos = defineStore({
  name: 'todos',
  state: () => ({ items: [] as Todo[], filter: 'all' as 'all' | 'open' }),
  actions: {
    add(draft, text: string) {
      const id = draft.items.length + 1;
      draft.items.push({ id, text, done: false });
      return id;
    },
    toggle(draft, id: number) {
      const item = draft.items.find((todo) => todo.id === id);
      if (!item) throw new RangeError(`no todo ${id}`);
      item.done = !item.done;
      return item;
    },
    removeDone(draft) {
      draft.items = draft.items.filter((todo) => !todo.done);
    },
    setFilter(draft, filter: 'all' | 'open') {
      draft.filter = filter;
    },
  },
});

export const settings = defineStore({
  name: 'settings',
  state: () => ({ theme: 'light' as 'light' | 'dark', fontSize: 14 }),
  actions: {
    setTheme(draft, theme: 'light' | 'dark') {
      draft.theme = theme;
    },
  },
});
