// The frontend of every window (each Tauri webview runs it on its own). The Rust backend owns
// the settings; this window mirrors them in a Pinia store and asks the backend for changes.
import { parseSnapshot } from '@statesync/core';
import { createPiniaSnapshotApplier } from '@statesync/pinia';
import { createTauriRevisionSync } from '@statesync/tauri';
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { SettingsPanel } from './SettingsPanel.js';
import { GET_SETTINGS, SETTINGS_EVENT, type Settings, UPDATE_SETTINGS } from './settings.js';
import { useSettingsStore } from './store.js';

const windowLabel = getCurrentWindow().label; // 'main', 'settings'
const pinia = createPinia();
const applier = createPiniaSnapshotApplier(useSettingsStore(pinia), { mode: 'patch' });

const settingsSync = createTauriRevisionSync({
  topic: 'settings',
  listen, // Tauri's own functions, passed in
  invoke,
  eventName: SETTINGS_EVENT,
  commandName: GET_SETTINGS,
  applier,
  // This window's own changes come back tagged with its label: update() applied them already.
  shouldRefresh: (event) => event.sourceId !== windowLabel,
  onError: ({ phase, error }) => console.warn(`settings sync, ${phase}:`, error.message),
});

/** Asks the backend for a change and shows its reply, unless something newer is shown already. */
async function update(patch: Partial<Settings>): Promise<void> {
  try {
    const reply = parseSnapshot<Settings>(
      await invoke(UPDATE_SETTINGS, { patch, sourceId: windowLabel }),
    );
    const before = settingsSync.getLocalRevision();
    settingsSync.setLocalRevision(reply.revision, reply.epoch);
    if (settingsSync.getLocalRevision() !== before) await applier.apply(reply);
  } catch (error) {
    // The backend refused (a Rust `Err`) or answered something malformed: the store is as it was.
    console.warn('could not change the settings:', error);
  }
}

const app = createApp(SettingsPanel, { windowLabel, status: settingsSync.status, update });
app.use(pinia);
document.title = `Settings · ${windowLabel}`;

// Mount once the window holds the backend's settings: no flash of the defaults.
await settingsSync.start();
app.mount('#app');
