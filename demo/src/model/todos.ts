// The to-do list: defined once, run by the authority (the SharedWorker), mirrored by every page.
import { defineStore } from '@statesync/shared';

export interface Todo {
  id: number;
  text: string;
  done: boolean;
  /** The window the item was added from, e.g. "Panel · 3f2a". */
  by: string;
}

export const MAX_TODO_LENGTH = 140;

/** Trims `text` and refuses what the list cannot hold; the caller's promise rejects with it. */
function cleanText(text: unknown): string {
  if (typeof text !== 'string') throw new TypeError('a to-do is text');
  const trimmed = text.trim();
  if (trimmed === '') throw new RangeError('a to-do cannot be empty');
  if (trimmed.length > MAX_TODO_LENGTH) {
    throw new RangeError(`a to-do has at most ${MAX_TODO_LENGTH} characters`);
  }
  return trimmed;
}

interface TodoState {
  items: Todo[];
  nextId: number;
}

const find = (draft: TodoState, id: number): Todo => {
  const item = draft.items.find((todo) => todo.id === id);
  if (!item) throw new RangeError(`to-do ${id} is gone (removed in another window?)`);
  return item;
};

const welcome = [
  'Open a second window and add a to-do there',
  'Switch the theme in Settings',
  'Detach the to-do panel into its own window',
];

export const todos = defineStore({
  name: 'todos',
  state: (): TodoState => ({
    items: welcome.map((text, index) => ({
      id: index + 1,
      text,
      done: false,
      by: 'Getting started',
    })),
    nextId: welcome.length + 1,
  }),
  actions: {
    add(draft, text: string, by: string) {
      const id = draft.nextId++;
      draft.items.push({ id, text: cleanText(text), done: false, by: String(by).slice(0, 40) });
      return id;
    },
    toggle(draft, id: number) {
      const item = find(draft, id);
      item.done = !item.done;
      return item.done;
    },
    rename(draft, id: number, text: string) {
      find(draft, id).text = cleanText(text);
    },
    remove(draft, id: number) {
      const index = draft.items.findIndex((todo) => todo.id === id);
      if (index >= 0) draft.items.splice(index, 1);
    },
    /** Moves an item one place up (-1) or down (+1); a no-op at either end. */
    move(draft, id: number, by: -1 | 1) {
      const from = draft.items.findIndex((todo) => todo.id === id);
      const to = from + by;
      if (from < 0 || to < 0 || to >= draft.items.length) return false;
      const [item] = draft.items.splice(from, 1);
      if (item) draft.items.splice(to, 0, item);
      return true;
    },
    clearCompleted(draft) {
      const before = draft.items.length;
      draft.items = draft.items.filter((todo) => !todo.done);
      return before - draft.items.length;
    },
  },
});
