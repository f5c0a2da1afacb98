import './setup-tauri.js';
import type { PersistedMeta, PersistedRecord, SaveGuard } from '@statesync/persistence';
import { createPersistenceApplier } from '@statesync/persistence';
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { clearMocks, mockWindows } from '@tauri-apps/api/mocks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTauriRevisionSync,
  createTauriStorageBackend,
  type TauriStorageBackendOptions,
} from '../src/index.js';
import {
  EVENT,
  type MockBackend,
  mockSettingsBackend,
  type Settings,
  windowInvoke,
} from './mock-backend.js';
import { until } from './setup-tauri.js';

const COMMANDS = {
  loadCommand: 'load_settings_record',
  saveCommand: 'save_settings_record',
  clearCommand: 'clear_settings_record',
} as const;

const record = (revision: string, data: Settings, epoch?: string): PersistedRecord<Settings> => ({
  meta: {
    revision,
    ...(epoch === undefined ? {} : { epoch }),
    schemaVersion: 1,
    savedAt: 1_700_000_000_000,
  },
  data,
});

/** Refuses to replace a newer or equal revision, as the persistence applier's guard does. */
const newerOnly =
  (next: PersistedRecord<Settings>): SaveGuard =>
  (stored: PersistedMeta) =>
    BigInt(stored.revision) < BigInt(next.meta.revision);

let backend: MockBackend;

function storage(options: Partial<TauriStorageBackendOptions> = {}) {
  return createTauriStorageBackend<Settings>({ invoke, ...COMMANDS, ...options });
}

const commandsCalled = () => backend.calls.map((call) => call.command);

beforeEach(() => {
  mockWindows('main', 'settings');
  backend = mockSettingsBackend();
});

afterEach(async () => {
  await backend.flush();
  clearMocks();
});

describe('createTauriStorageBackend', () => {
  it('saves, loads and clears a record through the three commands', async () => {
    const backendStorage = storage({ args: { key: 'settings' } });
    expect(backendStorage.shared).toBe(true);
    await expect(backendStorage.load()).resolves.toBeUndefined();

    const saved = record('3', { theme: 'dark', fontSize: 16 }, 'e1');
    await expect(backendStorage.save(saved)).resolves.toBe(true);
    expect(backend.record).toEqual(saved);
    await expect(backendStorage.load()).resolves.toEqual(saved);

    await backendStorage.clear();
    await expect(backendStorage.load()).resolves.toBeUndefined();
    expect(backend.calls).toEqual([
      { command: 'load_settings_record', args: { key: 'settings' } },
      { command: 'save_settings_record', args: { key: 'settings', record: saved } },
      { command: 'load_settings_record', args: { key: 'settings' } },
      { command: 'clear_settings_record', args: { key: 'settings' } },
      { command: 'load_settings_record', args: { key: 'settings' } },
    ]);
  });

  it('asks the guard with the stored metadata and writes nothing when it refuses', async () => {
    const backendStorage = storage();
    const first = record('5', { theme: 'dark', fontSize: 14 });
    const guarded: PersistedMeta[] = [];
    await expect(
      backendStorage.save(first, (meta) => {
        guarded.push(meta);
        return true;
      }),
    ).resolves.toBe(true);
    expect(guarded).toEqual([]); // nothing was stored yet

    const older = record('4', { theme: 'light', fontSize: 14 });
    await expect(
      backendStorage.save(older, (meta) => {
        guarded.push(meta);
        return false;
      }),
    ).resolves.toBe(false);
    expect(guarded).toEqual([first.meta]);
    expect(backend.record).toEqual(first);
    expect(commandsCalled()).toEqual([
      'load_settings_record',
      'save_settings_record',
      'load_settings_record',
    ]);
  });

  it('runs saves one at a time, so each guard sees the save before it', async () => {
    const backendStorage = storage();
    const newer = record('8', { theme: 'dark', fontSize: 18 });
    const older = record('7', { theme: 'light', fontSize: 17 });
    const results = await Promise.all([
      backendStorage.save(newer, newerOnly(newer)),
      backendStorage.save(older, newerOnly(older)),
    ]);
    expect(results).toEqual([true, false]);
    expect(backend.record).toEqual(newer);
  });

  it('resolves false when the save command refuses', async () => {
    backend.override('save_settings_record', () => false);
    await expect(storage().save(record('1', { theme: 'dark', fontSize: 1 }))).resolves.toBe(false);
    expect(backend.record).toBeUndefined();
  });

  it('rejects a stored value that is not a record as storage/corrupt, and lets a save replace it', async () => {
    const backendStorage = storage();
    const broken: unknown[] = [
      'not json',
      { data: {} },
      { meta: { revision: '01', schemaVersion: 1, savedAt: 0 }, data: {} },
      { meta: { revision: '1', epoch: '', schemaVersion: 1, savedAt: 0 }, data: {} },
      { meta: { revision: '1', schemaVersion: -1, savedAt: 0 }, data: {} },
      { meta: { revision: '1', schemaVersion: 1, savedAt: 'yesterday' }, data: {} },
      { meta: { revision: '1', schemaVersion: 1, savedAt: 0 } },
    ];
    for (const value of broken) {
      backend.record = value;
      await expect(backendStorage.load()).rejects.toMatchObject({
        name: 'StateSyncError',
        code: 'storage',
        reason: 'corrupt',
        message: expect.stringContaining('"load_settings_record" answered'),
      });
    }
    const fresh = record('2', { theme: 'dark', fontSize: 12 });
    await expect(backendStorage.save(fresh, () => false)).resolves.toBe(true);
    expect(backend.record).toEqual(fresh);
  });

  it('turns failed commands into storage errors and keeps the stored record', async () => {
    const backendStorage = storage();
    const kept = record('1', { theme: 'light', fontSize: 14 });
    await backendStorage.save(kept);

    backend.failNext('save_settings_record', 'permission denied (os error 13)');
    await expect(
      backendStorage.save(record('2', { theme: 'dark', fontSize: 14 })),
    ).rejects.toMatchObject({
      code: 'storage',
      reason: 'failed',
      message: 'invoke("save_settings_record") failed: permission denied (os error 13)',
      cause: 'permission denied (os error 13)',
    });
    // A Rust error serialised as { reason, message } keeps its reason.
    backend.failNext('save_settings_record', {
      reason: 'quota',
      message: 'No space left on device',
    });
    await expect(
      backendStorage.save(record('2', { theme: 'dark', fontSize: 14 })),
    ).rejects.toMatchObject({
      code: 'storage',
      reason: 'quota',
      message: 'invoke("save_settings_record") failed: No space left on device',
    });
    // A guard's read that fails fails the save, and writes nothing.
    backend.failNext('load_settings_record', 'settings.json: unexpected end of file');
    await expect(
      backendStorage.save(record('2', { theme: 'dark', fontSize: 14 }), () => true),
    ).rejects.toMatchObject({ code: 'storage', reason: 'failed' });
    backend.failNext('clear_settings_record', 'busy');
    await expect(backendStorage.clear()).rejects.toMatchObject({
      code: 'storage',
      reason: 'failed',
    });

    expect(backend.record).toEqual(kept);
    await expect(backendStorage.load()).resolves.toEqual(kept);
  });

  it('rejects clear() without a clearCommand as storage/unavailable', async () => {
    const { clearCommand: _, ...withoutClear } = COMMANDS;
    const backendStorage = createTauriStorageBackend({ invoke, ...withoutClear, shared: false });
    expect(backendStorage.shared).toBe(false);
    await expect(backendStorage.clear()).rejects.toMatchObject({
      code: 'storage',
      reason: 'unavailable',
    });
  });

  it('checks its options', () => {
    const bad: unknown[] = [
      { ...COMMANDS, invoke: undefined },
      { ...COMMANDS, invoke, loadCommand: '' },
      { ...COMMANDS, invoke, saveCommand: 3 },
      { ...COMMANDS, invoke, clearCommand: '' },
      { ...COMMANDS, invoke, args: ['settings'] },
    ];
    for (const options of bad) {
      expect(() => createTauriStorageBackend(options as never)).toThrow(
        expect.objectContaining({ code: 'invalid_option' }),
      );
    }
  });

  it('lets a reopened window show stored settings and skip the pull when nothing changed', async () => {
    const openWindow = () => {
      const ipc = windowInvoke();
      let shown: Settings | undefined;
      const applier = createPersistenceApplier<Settings>({
        storage: createTauriStorageBackend<Settings>({ invoke: ipc.invoke, ...COMMANDS }),
        applier: {
          apply(snapshot) {
            shown = snapshot.data;
          },
        },
      });
      const sync = createTauriRevisionSync({
        topic: 'settings',
        listen,
        invoke: ipc.invoke,
        eventName: EVENT,
        commandName: 'get_settings',
        revisionCommandName: 'get_settings_revision',
        applier,
        throttling: {},
      });
      return { sync, applier, ipc, shown: () => shown };
    };

    const first = openWindow();
    await first.sync.start();
    await invoke('update_settings', { patch: { theme: 'dark' } });
    await backend.flush();
    await until(() => first.sync.getLocalRevision() === '1', 'the first window at "1"');
    await first.applier.flush();
    expect(backend.record).toMatchObject({ meta: { revision: '1' }, data: backend.settings });
    await first.sync.stop();
    await first.applier.dispose();

    const reopened = openWindow();
    await reopened.applier.hydrate();
    expect(reopened.shown()).toEqual({ theme: 'dark', fontSize: 14 }); // before any pull
    await reopened.sync.start();
    expect(reopened.sync.getLocalRevision()).toBe('1');
    expect(reopened.ipc.count('get_settings_revision')).toBe(1);
    expect(reopened.ipc.count('get_settings')).toBe(0);
    await reopened.sync.stop();
    await reopened.applier.dispose();
  });

  it('reports a failing save to onPersistenceError while the window keeps syncing', async () => {
    const errors: { code: string; reason: string | undefined; operation: string }[] = [];
    let shown: Settings | undefined;
    const applier = createPersistenceApplier<Settings>({
      storage: storage(),
      applier: {
        apply(snapshot) {
          shown = snapshot.data;
        },
      },
      onPersistenceError: (error, context) =>
        errors.push({ code: error.code, reason: error.reason, operation: context.operation }),
    });
    const sync = createTauriRevisionSync({
      topic: 'settings',
      listen,
      invoke,
      eventName: EVENT,
      commandName: 'get_settings',
      applier,
    });
    backend.failNext('save_settings_record', { reason: 'quota', message: 'disk full' });
    await sync.start();
    await applier.flush();
    expect(shown).toEqual({ theme: 'light', fontSize: 14 });
    expect(errors).toEqual([{ code: 'storage', reason: 'quota', operation: 'save' }]);
    expect(backend.record).toBeUndefined();
    await sync.stop();
    await applier.dispose();
  });
});
