// The stores of the extension, imported by the background (which runs their actions) and by the
// popup and the options page (which show them and call the actions with spawn).
import { defineStore } from '@statesync/shared';

/** Names the runtime ports and prefixes every topic: the same in every part of the extension. */
export const APP_NAME = 'reading-list';

export interface Entry {
  id: number;
  title: string;
  /** The address, when the text saved is a web link. */
  url: string | null;
  read: boolean;
  /** Extension ports carry JSON; statesync tags Dates so that this arrives as a Date. */
  added: Date;
}

function asLink(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

export const readingList = defineStore({
  name: 'reading-list',
  state: () => ({ entries: [] as Entry[], nextId: 1 }),
  actions: {
    add(draft, text: string) {
      const title = text.trim();
      if (title === '' || title.length > 300) {
        throw new RangeError('an entry needs 1 to 300 characters');
      }
      const id = draft.nextId++;
      draft.entries.push({ id, title, url: asLink(title), read: false, added: new Date() });
      return id;
    },
    toggleRead(draft, id: number) {
      const entry = draft.entries.find((candidate) => candidate.id === id);
      if (!entry) throw new RangeError(`no entry ${id}`);
      entry.read = !entry.read;
      return entry.read;
    },
    remove(draft, id: number) {
      draft.entries = draft.entries.filter((entry) => entry.id !== id);
    },
    clearRead(draft) {
      draft.entries = draft.entries.filter((entry) => !entry.read);
    },
  },
});

export const preferences = defineStore({
  name: 'preferences',
  state: () => ({ hideRead: false }),
  actions: {
    setHideRead(draft, hide: boolean) {
      draft.hideRead = hide;
    },
  },
});

export const stores = [readingList, preferences];

/** The direct-channel request a page sends to learn when the background worker started. */
export const STARTED = 'started';
