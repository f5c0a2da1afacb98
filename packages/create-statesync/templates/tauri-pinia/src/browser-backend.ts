// FOR A BROWSER WITHOUT TAURI ONLY (npm run dev, tests). Tauri's official mocks stand in for the
// Rust backend: the list and its revision are kept in localStorage, and a change made in one tab
// reaches the others' `listen` handlers over a BroadcastChannel, as the backend's `emit` reaches
// every window. Inside Tauri this file is never loaded.
import { emit } from '@tauri-apps/api/event';
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import { ADD_ITEM, GET_LIST, LIST_EVENT, type List } from './list.js';

const KEY = 'statesync-tauri-pinia/backend';
const channel = new BroadcastChannel(KEY);

interface Stored {
  revision: string;
  data: List;
}

const read = (): Stored =>
  JSON.parse(localStorage.getItem(KEY) ?? '{"revision":"0","data":{"items":[]}}') as Stored;

export function installBrowserBackend(label: string): void {
  mockWindows(label);
  mockIPC(
    (command, args) => {
      if (command === GET_LIST) return read();
      if (command === ADD_ITEM) {
        const { text, sourceId } = (args ?? {}) as { text?: unknown; sourceId?: unknown };
        if (typeof text !== 'string' || text.trim() === '') throw 'an item needs some text';
        const current = read();
        const next = {
          revision: String(Number(current.revision) + 1),
          data: { items: [...current.data.items, text.trim()] },
        };
        localStorage.setItem(KEY, JSON.stringify(next));
        const event = { topic: 'list', revision: next.revision, sourceId };
        channel.postMessage(event);
        void emit(LIST_EVENT, event);
        return next;
      }
      throw `unknown command ${command}`;
    },
    { shouldMockEvents: true },
  );
  channel.onmessage = ({ data }) => void emit(LIST_EVENT, data);
}
