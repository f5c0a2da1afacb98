// The frontend of every window (each Tauri webview runs it on its own). The Rust backend owns
// the list; this window mirrors it in a Pinia store and asks the backend for changes.
import { parseSnapshot, randomId } from '@statesync/core';
import { createPiniaSnapshotApplier } from '@statesync/pinia';
import { createTauriRevisionSync } from '@statesync/tauri';
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { ADD_ITEM, GET_LIST, LIST_EVENT, type List } from './list.js';
import { useListStore } from './store.js';

// In a plain browser tab, a stand-in backend (Tauri's mocks); in Tauri, the Rust one.
if (!('__TAURI_INTERNALS__' in window)) {
  const { installBrowserBackend } = await import('./browser-backend.js');
  installBrowserBackend(`tab-${randomId().slice(0, 6)}`);
}

const windowLabel = getCurrentWindow().label;
const pinia = createPinia();
const applier = createPiniaSnapshotApplier(useListStore(pinia), { mode: 'patch' });

const sync = createTauriRevisionSync({
  topic: 'list',
  listen,
  invoke,
  eventName: LIST_EVENT,
  commandName: GET_LIST,
  applier,
  // This window's own changes come back tagged with its label: add() applied them already.
  shouldRefresh: (event) => event.sourceId !== windowLabel,
  onError: ({ phase, error }) => console.warn(`list sync, ${phase}:`, error.message),
});

/** Asks the backend to add an item and shows its reply, unless something newer is shown. */
async function add(text: string): Promise<void> {
  const reply = parseSnapshot<List>(await invoke(ADD_ITEM, { text, sourceId: windowLabel }));
  const before = sync.getLocalRevision();
  sync.setLocalRevision(reply.revision, reply.epoch);
  if (sync.getLocalRevision() !== before) await applier.apply(reply);
}

const app = createApp(App, { windowLabel, status: sync.status, add });
app.use(pinia);
// Mount once the window holds the backend's list: no flash of an empty one.
await sync.start();
app.mount('#app');
