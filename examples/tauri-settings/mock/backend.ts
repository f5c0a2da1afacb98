// FOR RUNNING THE EXAMPLE OUTSIDE TAURI ONLY. A JavaScript stand-in for the Rust backend in
// src-tauri/src/lib.rs: the same commands, the same checks, the same event. In a Tauri app the
// backend is the Rust code and none of this folder ships.
import type { Settings } from '../src/settings.js';
import { GET_SETTINGS, SETTINGS_EVENT, UPDATE_SETTINGS } from '../src/settings.js';

/** How a window receives what the backend emits (`app.emit(name, payload)` in Rust). */
export type WindowEvents = (event: string, payload: unknown) => void;

export interface MockBackend {
  /** Runs a command as Tauri would: resolves with its `Ok`, rejects with its `Err` string. */
  invoke(command: string, args: Record<string, unknown>): Promise<unknown>;
  /** A window opened: from now on it hears every event. Returns its disconnect. */
  connect(window: WindowEvents): () => void;
  /** A change the backend makes on its own (a tray menu, a file watcher...). */
  toggleTheme(): void;
}

interface Snapshot {
  revision: string;
  epoch: string;
  data: Settings;
}

export function createMockBackend(): MockBackend {
  // `SettingsState` of lib.rs. One epoch per run of the backend: this page's load.
  let data: Settings = { theme: 'light', fontSize: 14 };
  let revision = 0;
  const epoch = String(Date.now());
  const windows = new Set<WindowEvents>();

  const snapshot = (): Snapshot => ({ revision: String(revision), epoch, data: { ...data } });

  /** `app.emit`: every window, in the order they connected. */
  const emit = (payload: unknown) => {
    for (const window of [...windows]) {
      try {
        window(SETTINGS_EVENT, payload);
      } catch (error) {
        console.warn('a window could not be told', error);
      }
    }
  };

  const change = (next: Settings, sourceId: string | undefined): Snapshot => {
    data = next;
    revision += 1;
    const reply = snapshot();
    const event: Record<string, unknown> = { topic: 'settings', revision: reply.revision, epoch };
    if (sourceId !== undefined) event.sourceId = sourceId;
    emit(event);
    return reply;
  };

  /** `update_settings`: checks the patch like the Rust command does, then applies it. */
  const update = (args: Record<string, unknown>): Snapshot => {
    const patch = (args.patch ?? {}) as Record<string, unknown>;
    const next = { ...data };
    if (patch.theme !== undefined) {
      if (patch.theme !== 'light' && patch.theme !== 'dark') {
        throw `unknown theme ${JSON.stringify(patch.theme)}`;
      }
      next.theme = patch.theme;
    }
    if (patch.fontSize !== undefined) {
      const size = patch.fontSize;
      if (!Number.isInteger(size) || (size as number) < 12 || (size as number) > 24) {
        throw `font size must be 12 to 24, got ${JSON.stringify(size)}`;
      }
      next.fontSize = size as number;
    }
    const sourceId = typeof args.sourceId === 'string' ? args.sourceId : undefined;
    return change(next, sourceId);
  };

  return {
    async invoke(command, args) {
      if (command === GET_SETTINGS) return snapshot();
      if (command === UPDATE_SETTINGS) return update(args);
      throw `command ${command} not found`;
    },
    connect(window) {
      windows.add(window);
      return () => windows.delete(window);
    },
    toggleTheme() {
      change({ ...data, theme: data.theme === 'dark' ? 'light' : 'dark' }, undefined);
    },
  };
}
