// The main-process side on its own: broadcaster, snapshot handler, authority.

import { createAuthority, type InvalidationEvent, StateSyncError } from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createElectronAuthority,
  createElectronBroadcaster,
  createElectronProvider,
  createElectronSubscriber,
  DEFAULT_INVALIDATE_CHANNEL,
  DEFAULT_SNAPSHOT_CHANNEL,
  handleElectronSnapshots,
  type WebContentsLike,
} from '../src/index.js';
import { createElectronStandIn, type ElectronStandIn } from './electron-stand-in.js';
import { openPage, recordingLogger } from './harness.js';

let standIn: ElectronStandIn;
afterEach(() => standIn?.dispose());

const EVENT: InvalidationEvent = { topic: 'settings', revision: '1', epoch: 'e1' };

function listen(window: ReturnType<ElectronStandIn['createWindow']>) {
  const received: unknown[] = [];
  window.ipcRenderer.on(DEFAULT_INVALIDATE_CHANNEL, (_event, payload) => received.push(payload));
  return received;
}

describe('createElectronBroadcaster', () => {
  it('sends to every live window, skips destroyed ones and reports how many it reached', async () => {
    standIn = createElectronStandIn();
    const windows = [1, 2, 3].map(() => standIn.createWindow());
    const received = windows.map(listen);
    const { logger, lines } = recordingLogger();
    const broadcaster = createElectronBroadcaster({
      getWebContents: () => windows.map(({ webContents }) => webContents),
      logger,
    });
    windows[1]?.destroy();

    expect(broadcaster.publish(EVENT)).toBe(2);
    await standIn.settle();
    expect(received).toEqual([[EVENT], [], [EVENT]]);
    expect(lines).toEqual([]); // a destroyed window is expected, not a problem
  });

  it('never throws: a window whose send throws is logged and the others still get the event', async () => {
    standIn = createElectronStandIn();
    const good = standIn.createWindow();
    const received = listen(good);
    const racing: WebContentsLike = {
      id: 99,
      isDestroyed: () => false, // closed between isDestroyed() and send()
      send() {
        throw new Error('Object has been destroyed');
      },
    };
    const { logger, lines } = recordingLogger();
    const broadcaster = createElectronBroadcaster({
      getWebContents: () => [racing, good.webContents],
      logger,
    });

    expect(broadcaster.publish(EVENT)).toBe(1);
    await standIn.settle();
    expect(received).toEqual([EVENT]);
    expect(lines).toMatchObject([
      { level: 'warn', message: 'invalidation not sent', extra: { webContentsId: 99 } },
    ]);
  });

  it('an event that cannot be cloned reaches nobody, and publish still returns', async () => {
    standIn = createElectronStandIn();
    const windows = [standIn.createWindow(), standIn.createWindow()];
    const received = windows.map(listen);
    const { logger, lines } = recordingLogger();
    const broadcaster = createElectronBroadcaster({
      getWebContents: standIn.getAllWebContents,
      logger,
    });
    const event = {
      ...EVENT,
      delta: { base: '0', ops: [{ op: 'add' as const, path: ['f'], value: () => {} }] },
    };
    expect(broadcaster.publish(event)).toBe(0);
    await standIn.settle();
    expect(received).toEqual([[], []]);
    expect(lines.map(({ level }) => level)).toEqual(['warn', 'warn']);
  });

  it('getWebContents throwing is logged, not thrown', () => {
    const { logger, lines } = recordingLogger();
    const broadcaster = createElectronBroadcaster({
      getWebContents() {
        throw new Error('app not ready');
      },
      logger,
    });
    expect(broadcaster.publish(EVENT)).toBe(0);
    expect(lines[0]?.level).toBe('error');
  });

  it('plugs into any authority: publish is a plain function', async () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    const received = listen(window);
    const authority = createAuthority({ topic: 'settings', data: 1, epoch: 'e1' });
    const broadcaster = createElectronBroadcaster({ getWebContents: standIn.getAllWebContents });
    const off = authority.subscribe(broadcaster.publish);
    authority.set(2, { sourceId: 'w1' });
    off();
    authority.set(3);
    await standIn.settle();
    expect(received).toEqual([
      {
        topic: 'settings',
        revision: '1',
        epoch: 'e1',
        sourceId: 'w1',
        timestampMs: expect.any(Number),
      },
    ]);
  });
});

describe('handleElectronSnapshots', () => {
  function pullFrom(window: ReturnType<ElectronStandIn['createWindow']>, topic: unknown) {
    return window.ipcRenderer.invoke(DEFAULT_SNAPSHOT_CHANNEL, topic);
  }

  it('answers with the snapshot of the topic asked for, sync or async', async () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    handleElectronSnapshots({
      ipcMain: standIn.ipcMain,
      async getSnapshot(topic, event) {
        return { revision: '4', data: { topic, from: event.sender.id } };
      },
    });
    expect(await pullFrom(window, 'a')).toEqual({
      revision: '4',
      data: { topic: 'a', from: window.webContents.id },
    });
  });

  it('answers failures as { error } so the code survives IPC', async () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    const { logger, lines } = recordingLogger();
    handleElectronSnapshots({
      ipcMain: standIn.ipcMain,
      logger,
      getSnapshot(topic) {
        if (topic === 'disk') {
          throw new StateSyncError('storage', 'settings file is corrupt', { reason: 'corrupt' });
        }
        return undefined;
      },
    });
    expect(await pullFrom(window, 'disk')).toEqual({
      error: {
        name: 'StateSyncError',
        code: 'storage',
        message: 'settings file is corrupt',
        reason: 'corrupt',
      },
    });
    expect(await pullFrom(window, 'unknown')).toMatchObject({
      error: { code: 'snapshot_failed', message: "no snapshot for topic 'unknown'" },
    });
    expect(await pullFrom(window, 42)).toMatchObject({ error: { code: 'protocol' } });
    expect(lines.map(({ level }) => level)).toEqual(['error', 'error', 'error']);

    // And the renderer side rebuilds it, code and reason kept.
    const provider = createElectronProvider({
      bridge: { subscribe: () => () => {}, invoke: window.ipcRenderer.invoke },
    });
    const error = await provider
      .getSnapshot({ topic: 'disk', signal: new AbortController().signal })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'StateSyncError', code: 'storage', reason: 'corrupt' });
  });

  it('refuses senders that allowSender rejects with origin_rejected', async () => {
    standIn = createElectronStandIn();
    const trusted = standIn.createWindow('app://index.html');
    const stranger = standIn.createWindow('https://example.com/');
    handleElectronSnapshots({
      ipcMain: standIn.ipcMain,
      allowSender: (event) => event.senderFrame?.url.startsWith('app://') === true,
      getSnapshot: () => ({ revision: '1', data: 'secret' }),
    });
    expect(await pullFrom(trusted, 'settings')).toEqual({ revision: '1', data: 'secret' });
    expect(await pullFrom(stranger, 'settings')).toMatchObject({
      error: { code: 'origin_rejected' },
    });
  });

  it('one handler per channel: a second is invalid_option; dispose removes it, idempotently', () => {
    standIn = createElectronStandIn();
    const options = { ipcMain: standIn.ipcMain, getSnapshot: () => undefined };
    const dispose = handleElectronSnapshots(options);
    expect(() => handleElectronSnapshots(options)).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
    expect(standIn.ipcMain.handledChannels()).toEqual([DEFAULT_SNAPSHOT_CHANNEL]);
    dispose();
    dispose();
    expect(standIn.ipcMain.handledChannels()).toEqual([]);
    const again = handleElectronSnapshots(options);
    again();
  });
});

describe('createElectronAuthority', () => {
  it('authorities of several topics share the snapshot channel', async () => {
    standIn = createElectronStandIn();
    const base = { ipcMain: standIn.ipcMain, getWebContents: standIn.getAllWebContents };
    const settings = createElectronAuthority({
      ...base,
      topic: 'settings',
      data: { theme: 'dark' },
    });
    const auth = createElectronAuthority({ ...base, topic: 'auth', data: { user: 'ada' } });
    const settingsPage = openPage<unknown>(standIn, 'settings');
    const authPage = openPage<unknown>(standIn, 'auth');
    await Promise.all([settingsPage.sync.start(), authPage.sync.start()]);
    expect(settingsPage.view.data).toEqual({ theme: 'dark' });
    expect(authPage.view.data).toEqual({ user: 'ada' });

    settings.dispose(); // the other topic is still served
    expect(standIn.ipcMain.handledChannels()).toEqual([DEFAULT_SNAPSHOT_CHANNEL]);
    auth.set({ user: 'grace' });
    await standIn.settle(() => authPage.sync.getLocalRevision() === '1');
    expect(authPage.view.data).toEqual({ user: 'grace' });
    auth.dispose();
    expect(standIn.ipcMain.handledChannels()).toEqual([]);
    await Promise.all([settingsPage.sync.stop(), authPage.sync.stop()]);
  });

  it('refuses a topic served twice, and a channel taken by another handler', () => {
    standIn = createElectronStandIn();
    const base = { ipcMain: standIn.ipcMain, getWebContents: standIn.getAllWebContents };
    const first = createElectronAuthority({ ...base, topic: 'settings', data: 1 });
    expect(() => createElectronAuthority({ ...base, topic: 'settings', data: 2 })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
    first.dispose();
    expect(() => createElectronAuthority({ ...base, topic: 'settings', data: 3 })).not.toThrow();

    standIn.ipcMain.handle('taken', () => null);
    expect(() =>
      createElectronAuthority({ ...base, topic: 'other', data: 4, snapshotChannel: 'taken' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });

  it('dispose stops publishing to windows; the authority itself keeps working', async () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    const received = listen(window);
    const authority = createElectronAuthority({
      topic: 'settings',
      data: 1,
      ipcMain: standIn.ipcMain,
      getWebContents: standIn.getAllWebContents,
    });
    authority.set(2);
    authority.dispose();
    authority.dispose();
    authority.set(3);
    await standIn.settle();
    expect(received).toHaveLength(1);
    expect(authority.getSnapshot()).toMatchObject({ revision: '2', data: 3 });
  });

  it('allowSender refuses pulls from pages it does not trust', async () => {
    standIn = createElectronStandIn();
    const authority = createElectronAuthority({
      topic: 'settings',
      data: 1,
      ipcMain: standIn.ipcMain,
      getWebContents: standIn.getAllWebContents,
      allowSender: (event) => event.senderFrame?.url === 'app://index.html',
    });
    const stranger = standIn.createWindow('https://example.com/');
    expect(await stranger.ipcRenderer.invoke(DEFAULT_SNAPSHOT_CHANNEL, 'settings')).toMatchObject({
      error: { code: 'origin_rejected' },
    });
    authority.dispose();
  });
});

describe('renderer parts on their own', () => {
  const signal = new AbortController().signal;

  it('createElectronProvider checks answers with parseSnapshot', async () => {
    const answers: unknown[] = [
      { revision: 5, data: 1 },
      { revision: '5' },
      { revision: '5', data: 1 },
    ];
    const provider = createElectronProvider<number>({
      bridge: { subscribe: () => () => {}, invoke: async () => answers.shift() },
    });
    for (const missing of ['snapshot.revision', 'snapshot.data']) {
      const error = await provider.getSnapshot({ topic: 't', signal }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'protocol', message: expect.stringContaining(missing) });
    }
    expect(await provider.getSnapshot({ topic: 't', signal })).toEqual({ revision: '5', data: 1 });
  });

  it('createElectronProvider pulls with invoke(channel, topic)', async () => {
    const calls: unknown[][] = [];
    const provider = createElectronProvider({
      channel: 'app:pull',
      bridge: {
        subscribe: () => () => {},
        invoke: async (...args) => {
          calls.push(args);
          return { revision: '0', data: null };
        },
      },
    });
    await provider.getSnapshot({ topic: 'settings', signal });
    expect(calls).toEqual([['app:pull', 'settings']]);
  });

  it('createElectronSubscriber keeps a throwing handler away from IPC and logs it', () => {
    let deliver: (payload: unknown) => void = () => {};
    const { logger, lines } = recordingLogger();
    const subscriber = createElectronSubscriber({
      logger,
      bridge: {
        subscribe(channel, callback) {
          expect(channel).toBe(DEFAULT_INVALIDATE_CHANNEL);
          deliver = callback;
          return () => {};
        },
        invoke: async () => undefined,
      },
    });
    void subscriber.subscribe(() => {
      throw new Error('handler bug');
    });
    expect(() => deliver({ topic: 't', revision: '1' })).not.toThrow();
    expect(lines).toMatchObject([{ level: 'error', message: 'invalidation handler threw' }]);
  });
});
