import './setup-tauri.js';
import {
  isStateSyncError,
  type RevisionSyncHandle,
  type SnapshotEnvelope,
  type SyncErrorContext,
} from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { invoke } from '@tauri-apps/api/core';
import { emit, listen } from '@tauri-apps/api/event';
import { clearMocks, mockWindows } from '@tauri-apps/api/mocks';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTauriRevisionSync, type TauriRevisionSyncOptions } from '../src/index.js';
import {
  EVENT,
  type MockBackend,
  mockSettingsBackend,
  type Settings,
  windowInvoke,
} from './mock-backend.js';
import { liveListenerCount, settle, until } from './setup-tauri.js';

/** One Tauri window: its own sync handle, applier and invoke, against the shared backend. */
interface TestWindow {
  label: string;
  sync: RevisionSyncHandle;
  readonly state: Settings | undefined;
  applies: number;
  errors: SyncErrorContext[];
  count(command: string): number;
  revision(): string | undefined;
  /**
   * Writes through `update_settings`, tagged with this window's label. With `adopt`, the reply's
   * snapshot is shown at once and its revision recorded, as the core README describes.
   */
  update(patch: Partial<Settings>, adopt?: boolean): Promise<SnapshotEnvelope<Settings>>;
}

let backend: MockBackend;
const opened: TestWindow[] = [];

function openWindow(
  label: string,
  options: Partial<TauriRevisionSyncOptions<Settings>> = {},
  { collectErrors = true } = {},
): TestWindow {
  const ipc = windowInvoke();
  let state: Settings | undefined;
  const win: TestWindow = {
    label,
    get state() {
      return state;
    },
    applies: 0,
    errors: [],
    count: ipc.count,
    revision: () => win.sync.getLocalRevision(),
    async update(patch, adopt = false) {
      const reply = (await ipc.invoke('update_settings', {
        patch,
        sourceId: label,
      })) as SnapshotEnvelope<Settings>;
      if (adopt) {
        const before = win.sync.getLocalRevision();
        win.sync.setLocalRevision(reply.revision, reply.epoch);
        if (win.sync.getLocalRevision() !== before) state = reply.data;
      }
      return reply;
    },
    sync: createTauriRevisionSync<Settings>({
      topic: 'settings',
      listen,
      invoke: ipc.invoke,
      eventName: EVENT,
      commandName: 'get_settings',
      applier: {
        apply(snapshot) {
          win.applies++;
          state = snapshot.data;
        },
      },
      throttling: {},
      ...(collectErrors ? { onError: (context) => win.errors.push(context) } : {}),
      ...options,
    }),
  };
  opened.push(win);
  return win;
}

beforeEach(() => {
  mockWindows('main', 'settings', 'about');
  backend = mockSettingsBackend();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((win) => win.sync.stop()));
  await backend.flush();
  clearMocks();
});

describe('createTauriRevisionSync against a mocked Rust backend', () => {
  it('keeps every window on the backend settings, one pull per revision', async () => {
    const windows = ['main', 'settings', 'about'].map((label) => openWindow(label));
    await Promise.all(windows.map((win) => win.sync.start()));
    for (const win of windows) {
      expect(win.revision()).toBe('0');
      expect(win.state).toEqual({ theme: 'light', fontSize: 14 });
    }

    const [main, settings] = windows as [TestWindow, TestWindow, TestWindow];
    await settings.update({ theme: 'dark' });
    await until(() => windows.every((win) => win.revision() === '1'), 'all windows at "1"');
    await main.update({ fontSize: 18 });
    await until(() => windows.every((win) => win.revision() === '2'), 'all windows at "2"');

    for (const win of windows) {
      expect(win.state).toEqual({ theme: 'dark', fontSize: 18 });
      expect(win.state).toEqual(backend.settings);
      expect(win.count('get_settings')).toBe(3);
      expect(win.sync.status.getState().state).toBe('synced');
      expect(win.errors).toEqual([]);
    }
  });

  it('uses the current window label as sourceId to skip its own echo (shouldRefresh)', async () => {
    const label = getCurrentWindow().label;
    expect(label).toBe('main');
    const main = openWindow(label, { shouldRefresh: (event) => event.sourceId !== label });
    const other = openWindow('settings');
    await Promise.all([main.sync.start(), other.sync.start()]);

    await main.update({ theme: 'dark' });
    await backend.flush();
    await until(() => other.revision() === '1', 'the other window pulls "1"');
    expect(main.count('get_settings')).toBe(1); // the start only: its own echo was filtered
    expect(other.count('get_settings')).toBe(2);

    // A change made elsewhere is not filtered.
    await other.update({ fontSize: 20 });
    await backend.flush();
    await until(() => main.revision() === '2', 'main pulls "2"');
    expect(main.count('get_settings')).toBe(2);
    expect(main.state).toEqual({ theme: 'dark', fontSize: 20 });
  });

  it('lets the revision gate skip the echo of a write whose reply was applied', async () => {
    const main = openWindow('main');
    const other = openWindow('settings');
    await Promise.all([main.sync.start(), other.sync.start()]);

    const reply = await main.update({ theme: 'dark' }, true);
    expect(reply.revision).toBe('1');
    expect(main.revision()).toBe('1');
    await backend.flush();
    await until(() => other.revision() === '1', 'the other window pulls "1"');
    expect(main.count('get_settings')).toBe(1); // "1" <= "1": no pull for the echo
    expect(other.count('get_settings')).toBe(2);
    expect(main.state).toEqual(other.state);

    // Duplicated and late events cost nobody a pull.
    await emit(EVENT, { topic: 'settings', revision: '1', sourceId: 'main' });
    await emit(EVENT, { topic: 'settings', revision: '0' });
    await settle();
    expect(main.count('get_settings')).toBe(1);
    expect(other.count('get_settings')).toBe(2);
  });

  it('reports malformed payloads to onError as protocol errors and never throws into Tauri', async () => {
    const main = openWindow('main');
    const bare = openWindow('about', {}, { collectErrors: false }); // no onError at all
    await Promise.all([main.sync.start(), bare.sync.start()]);

    const payloads: unknown[] = [
      { topic: 'settings', revision: 5 },
      { topic: 'settings', revision: '05' },
      { revision: '1' },
      null,
      'settings changed',
      JSON.stringify({ topic: 'settings', revision: '1' }),
      { topic: 'settings', revision: '1', epoch: '' },
    ];
    for (const payload of payloads) {
      await expect(emit(EVENT, payload)).resolves.toBeUndefined();
    }

    expect(main.errors).toHaveLength(payloads.length);
    main.errors.forEach((context, index) => {
      expect(context.phase).toBe('protocol');
      expect(context.topic).toBe('settings');
      expect(isStateSyncError(context.error, 'protocol')).toBe(true);
      expect(context.error.message).toContain(EVENT);
      expect(context.sourceEvent).toEqual(payloads[index]);
      expect(context.localRevision).toBe('0');
    });
    expect(main.errors[5]?.error.message).toContain('emit the struct, not its JSON');
    expect(main.count('get_settings')).toBe(1);

    // Still listening: the next good event syncs.
    await invoke('update_settings', { patch: { theme: 'dark' } });
    await backend.flush();
    await until(() => main.revision() === '1' && bare.revision() === '1', 'both windows at "1"');
    expect(main.state?.theme).toBe('dark');
  });

  it('retries a failed get_settings and reports each failure to onError', async () => {
    const clock = createVirtualClock();
    const main = openWindow('main', {
      timers: clock,
      retry: { maxAttempts: 3, initialDelayMs: 100, jitter: 0 },
    });
    await main.sync.start();

    backend.failNext('get_settings', 'database is locked');
    await invoke('update_settings', { patch: { theme: 'dark' } });
    await backend.flush();
    await until(() => main.errors.length === 1, 'the first attempt fails');
    const [failure] = main.errors;
    expect(failure).toMatchObject({
      phase: 'snapshot',
      attempt: 1,
      willRetry: true,
      nextDelayMs: 100,
      eventRevision: '1',
      localRevision: '0',
    });
    expect(failure?.error.code).toBe('snapshot_failed');
    expect(failure?.error.message).toContain('invoke("get_settings") failed: database is locked');
    expect(failure?.error.cause).toBe('database is locked');
    expect(main.revision()).toBe('0');

    await clock.advance(100);
    await until(() => main.revision() === '1', 'the retry applies "1"');
    expect(main.state?.theme).toBe('dark');
    expect(main.count('get_settings')).toBe(3);
    expect(main.errors).toHaveLength(1);
  });

  it('gives up after the last attempt, then recovers on the next event', async () => {
    const main = openWindow('main', { retry: false });
    await main.sync.start();

    backend.failNext('get_settings', { kind: 'io', message: 'disk unplugged' });
    await invoke('update_settings', { patch: { fontSize: 12 } });
    await backend.flush();
    await until(() => main.sync.status.getState().state === 'error', 'status is error');
    expect(main.errors).toHaveLength(1);
    expect(main.errors[0]).toMatchObject({ phase: 'snapshot', attempt: 1, willRetry: false });
    expect(main.sync.status.getState().lastError?.message).toContain('disk unplugged');

    await invoke('update_settings', { patch: { fontSize: 13 } });
    await backend.flush();
    await until(() => main.revision() === '2', 'the next event is pulled');
    expect(main.state?.fontSize).toBe(13);
    expect(main.sync.status.getState().state).toBe('synced');
  });

  it('reports a malformed get_settings reply as a protocol error, without retrying', async () => {
    backend.override('get_settings', () => ({ revision: 3, data: {} }));
    const main = openWindow('main', { retry: { maxAttempts: 3 } });
    await main.sync.start();
    expect(main.errors).toHaveLength(1);
    expect(main.errors[0]?.phase).toBe('protocol');
    expect(main.errors[0]?.error.message).toContain('"get_settings" answered a malformed reply');
    expect(main.count('get_settings')).toBe(1);
    expect(main.revision()).toBeUndefined();
  });

  it('stop() unlistens: the mock holds no listener and later events apply nowhere', async () => {
    const main = openWindow('main');
    const other = openWindow('settings');
    expect(liveListenerCount()).toBe(0);
    await Promise.all([main.sync.start(), other.sync.start()]);
    expect(liveListenerCount()).toBe(2);

    await main.sync.stop();
    expect(liveListenerCount()).toBe(1);
    await other.update({ theme: 'dark' });
    await backend.flush();
    await until(() => other.revision() === '1', 'the running window pulls "1"');
    await settle();
    expect(main.revision()).toBe('0');
    expect(main.applies).toBe(1);
    expect(main.count('get_settings')).toBe(1);
    expect(main.sync.status.getState().state).toBe('idle');

    await other.sync.stop();
    await main.sync.stop(); // idempotent
    expect(liveListenerCount()).toBe(0);
  });

  it('stop() during a pending listen unlistens as soon as listen resolves', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowListen: typeof listen = async (event, handler) => {
      await gate;
      return listen(event, handler);
    };
    const main = openWindow('main', { listen: slowListen });
    const starting = main.sync.start();
    await main.sync.stop();
    release();
    await starting;
    await until(() => liveListenerCount() === 0, 'the late listener is removed');
    expect(main.count('get_settings')).toBe(0);
  });

  it('rejects start() with subscribe_failed when listen is refused', async () => {
    const refused: typeof listen = () =>
      Promise.reject('event.listen not allowed. Permissions associated with this command: []');
    const main = openWindow('main', { listen: refused });
    await expect(main.sync.start()).rejects.toMatchObject({
      code: 'subscribe_failed',
      message: expect.stringContaining(`listen("${EVENT}") failed: event.listen not allowed`),
    });
    expect(main.errors[0]?.phase).toBe('subscribe');
  });

  it('follows a backend restart whose revision goes back to 1 under a new epoch', async () => {
    backend = mockSettingsBackend({ epoch: 'boot-1' });
    const main = openWindow('main');
    const other = openWindow('settings');
    await Promise.all([main.sync.start(), other.sync.start()]);
    for (let i = 0; i < 4; i++) await other.update({ fontSize: 10 + i });
    await backend.flush();
    await until(() => main.revision() === '4' && other.revision() === '4', 'both at "4"');
    expect(main.sync.status.getState().epoch).toBe('boot-1');

    await backend.restart('boot-2', { theme: 'dark', fontSize: 15 });
    await until(
      () => [main, other].every((win) => win.sync.status.getState().epoch === 'boot-2'),
      'both windows follow the new epoch',
    );
    for (const win of [main, other]) {
      expect(win.revision()).toBe('1');
      expect(win.state).toEqual({ theme: 'dark', fontSize: 15 });
    }

    // And keep following it.
    await main.update({ theme: 'light' });
    await backend.flush();
    await until(() => other.revision() === '2' && main.revision() === '2', 'both at "2"');
    expect(other.state).toEqual({ theme: 'light', fontSize: 15 });
    expect([...main.errors, ...other.errors]).toEqual([]);
  });

  it('passes args (an object or a function of the topic) and uses the revision probe', async () => {
    const topics: string[] = [];
    const main = openWindow('main', {
      args: (topic) => {
        topics.push(topic);
        return { scope: 'user' };
      },
      revisionCommandName: 'get_settings_revision',
      initialRevision: '0',
    });
    await main.sync.start();
    // Already at "0": the probe answers "0", so nothing is pulled.
    expect(main.count('get_settings_revision')).toBe(1);
    expect(main.count('get_settings')).toBe(0);
    expect(topics).toEqual(['settings']);
    expect(backend.calls.at(-1)).toEqual({
      command: 'get_settings_revision',
      args: { scope: 'user' },
    });

    await invoke('update_settings', { patch: { theme: 'dark' } });
    await backend.flush();
    await until(() => main.revision() === '1', 'main pulls "1"');
    expect(backend.calls.at(-1)).toEqual({ command: 'get_settings', args: { scope: 'user' } });
  });

  it('throws invalid_option for bad options at creation', () => {
    const base = {
      topic: 'settings',
      listen,
      invoke,
      eventName: EVENT,
      commandName: 'get_settings',
      applier: { apply() {} },
    };
    expect(() => createTauriRevisionSync({ ...base, eventName: 'settings invalidated' })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
    expect(() => createTauriRevisionSync({ ...base, commandName: '' })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
    expect(() => createTauriRevisionSync({ ...base, topic: '' })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
  });
});
