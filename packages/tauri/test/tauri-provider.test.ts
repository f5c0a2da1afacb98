import './setup-tauri.js';
import { StateSyncError } from '@statesync/core';
import { invoke } from '@tauri-apps/api/core';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { createTauriSnapshotProvider, type TauriInvoke } from '../src/index.js';

const request = (topic = 'settings') => ({ topic, signal: new AbortController().signal });

/** Mocks the IPC with `answer` and records each call as Tauri's `invoke` made it. */
function mockCommands(answer: (command: string, args: unknown) => unknown) {
  const calls: { command: string; args: unknown }[] = [];
  mockIPC((command, args) => {
    calls.push({ command, args });
    return answer(command, args);
  });
  return calls;
}

afterEach(() => {
  clearMocks();
});

describe('createTauriSnapshotProvider', () => {
  it('invokes the command and resolves the checked snapshot', async () => {
    const calls = mockCommands(() => ({
      revision: '12',
      epoch: 'e1',
      data: { theme: 'dark' },
      extra: true,
    }));
    const provider = createTauriSnapshotProvider<{ theme: string }>({
      invoke,
      commandName: 'get_settings',
    });
    await expect(provider.getSnapshot(request())).resolves.toEqual({
      revision: '12',
      epoch: 'e1',
      data: { theme: 'dark' },
    });
    expect(calls).toEqual([{ command: 'get_settings', args: {} }]);
    expect(provider.getRevision).toBeUndefined();
  });

  it('passes no arguments unless asked, then an object or what the function returns', async () => {
    const seen: unknown[][] = [];
    const spy: TauriInvoke = async (...call) => {
      seen.push(call);
      return { revision: '1', data: null };
    };
    await createTauriSnapshotProvider({ invoke: spy, commandName: 'a' }).getSnapshot(request());
    await createTauriSnapshotProvider({
      invoke: spy,
      commandName: 'b',
      args: { key: 'k' },
    }).getSnapshot(request());
    await createTauriSnapshotProvider({
      invoke: spy,
      commandName: 'c',
      args: (topic) => ({ topic, scope: 'user' }),
    }).getSnapshot(request('prefs'));
    expect(seen).toEqual([['a'], ['b', { key: 'k' }], ['c', { topic: 'prefs', scope: 'user' }]]);
  });

  it('answers getRevision through revisionCommandName', async () => {
    const calls = mockCommands((command) =>
      command === 'get_settings_revision' ? { revision: '4', epoch: 'e2' } : undefined,
    );
    const provider = createTauriSnapshotProvider({
      invoke,
      commandName: 'get_settings',
      revisionCommandName: 'get_settings_revision',
      args: { key: 'settings' },
    });
    await expect(provider.getRevision?.(request())).resolves.toEqual({
      revision: '4',
      epoch: 'e2',
    });
    expect(calls).toEqual([{ command: 'get_settings_revision', args: { key: 'settings' } }]);
  });

  it('rejects a malformed reply with a protocol error naming the command', async () => {
    mockCommands((command) =>
      command === 'get_settings' ? { revision: '1.0', data: {} } : { epoch: 'e1' },
    );
    const provider = createTauriSnapshotProvider({
      invoke,
      commandName: 'get_settings',
      revisionCommandName: 'get_revision',
    });
    await expect(provider.getSnapshot(request())).rejects.toMatchObject({
      code: 'protocol',
      message: expect.stringContaining('"get_settings" answered a malformed reply'),
    });
    await expect(provider.getRevision?.(request())).rejects.toMatchObject({
      code: 'protocol',
      message: expect.stringContaining('"get_revision" answered a malformed reply'),
    });
  });

  it('wraps a failed command into snapshot_failed and keeps a StateSyncError as it is', async () => {
    const timeout = new StateSyncError('timeout', 'backend busy');
    let failure: unknown = 'settings file missing';
    mockIPC(() => Promise.reject(failure));
    const provider = createTauriSnapshotProvider({ invoke, commandName: 'get_settings' });

    const error = await provider.getSnapshot(request()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StateSyncError);
    expect(error).toMatchObject({
      code: 'snapshot_failed',
      message: 'invoke("get_settings") failed: settings file missing',
      cause: 'settings file missing',
    });

    failure = timeout;
    await expect(provider.getSnapshot(request())).rejects.toBe(timeout);
  });

  it('checks its options', () => {
    const bad: unknown[] = [
      { invoke, commandName: '' },
      { invoke: 'invoke', commandName: 'get_settings' },
      { invoke, commandName: 'get_settings', revisionCommandName: ' ' },
      { invoke, commandName: 'get_settings', args: 'key=settings' },
    ];
    for (const options of bad) {
      expect(() => createTauriSnapshotProvider(options as never)).toThrow(
        expect.objectContaining({ code: 'invalid_option' }),
      );
    }
  });
});
