import './setup-tauri.js';
import { invoke } from '@tauri-apps/api/core';
import { emit } from '@tauri-apps/api/event';
import { clearMocks, mockWindows } from '@tauri-apps/api/mocks';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import { setupSettingsSync } from './fixtures/setup-settings-sync.js';
import { useSettingsStore } from './fixtures/stores/settings.js';
import { EVENT, type MockBackend, mockSettingsBackend } from './mock-backend.js';
import { liveListenerCount, settle, until } from './setup-tauri.js';

/** One webview: its own Vue app and Pinia, running the guide's setup function. */
function openWebview() {
  const pinia = createPinia();
  createApp({ render: () => null }).use(pinia);
  setActivePinia(pinia);
  const stop = setupSettingsSync();
  return { store: useSettingsStore(pinia), stop };
}

let backend: MockBackend;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(() => {
  mockWindows('main', 'settings');
  backend = mockSettingsBackend({ settings: { theme: 'dark', fontSize: 16 } });
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((stop) => stop()));
  await backend.flush();
  clearMocks();
});

describe("the guide's Tauri + Pinia snippet", () => {
  it('keeps the settings store of every window on the Rust backend', async () => {
    const main = openWebview();
    const settings = openWebview();
    cleanups.push(main.stop, settings.stop);
    expect(main.store).not.toBe(settings.store);

    await until(
      () => [main, settings].every(({ store }) => store.theme === 'dark'),
      'both stores show the backend settings',
    );
    expect(main.store.$state).toEqual({ theme: 'dark', fontSize: 16 });

    // The settings window changes the font size through the backend.
    await invoke('update_settings', { patch: { fontSize: 20 }, sourceId: 'settings' });
    await backend.flush();
    await until(
      () => [main, settings].every(({ store }) => store.fontSize === 20),
      'both stores follow revision "1"',
    );
    expect(settings.store.$state).toEqual({ theme: 'dark', fontSize: 20 });
  });

  it('returns a cleanup that stops listening', async () => {
    const main = openWebview();
    await until(() => main.store.theme === 'dark', 'the first snapshot is applied');
    expect(liveListenerCount()).toBe(1);

    await main.stop();
    expect(liveListenerCount()).toBe(0);
    await invoke('update_settings', { patch: { theme: 'light' } });
    await backend.flush();
    await emit(EVENT, { topic: 'settings', revision: '1' });
    await settle();
    expect(main.store.theme).toBe('dark');
  });
});
