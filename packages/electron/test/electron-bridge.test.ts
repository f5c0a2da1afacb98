import { afterEach, describe, expect, it } from 'vitest';
import {
  createElectronAuthority,
  DEFAULT_INVALIDATE_CHANNEL,
  DEFAULT_SNAPSHOT_CHANNEL,
  exposeStateSyncBridge,
  type StateSyncBridge,
} from '../src/index.js';
import { createElectronStandIn, type ElectronStandIn } from './electron-stand-in.js';
import { openPage } from './harness.js';

let standIn: ElectronStandIn;
afterEach(() => standIn?.dispose());

/** A window whose preload exposed the bridge; returns what the page sees. */
function exposed(options: { channels?: readonly string[]; key?: string } = {}) {
  const window = standIn.createWindow();
  exposeStateSyncBridge({
    contextBridge: window.contextBridge,
    ipcRenderer: window.ipcRenderer,
    ...options,
  });
  const bridge = window.mainWorld[options.key ?? 'statesync'] as StateSyncBridge;
  return { window, bridge };
}

describe('exposeStateSyncBridge through contextBridge', () => {
  it('unsubscribing through the bridge removes exactly its ipcRenderer listener', () => {
    standIn = createElectronStandIn();
    const { window, bridge } = exposed();
    const count = () => window.ipcRenderer.listenerCount(DEFAULT_INVALIDATE_CHANNEL);
    const callback = () => {};

    // The same callback twice: two subscriptions, told apart by their unsubscribe functions.
    const first = bridge.subscribe(DEFAULT_INVALIDATE_CHANNEL, callback);
    const second = bridge.subscribe(DEFAULT_INVALIDATE_CHANNEL, callback);
    expect(count()).toBe(2);
    first();
    expect(count()).toBe(1);
    first(); // idempotent: does not remove the other one
    expect(count()).toBe(1);
    second();
    expect(count()).toBe(0);
  });

  it("stopping a page's sync leaves no listener behind", async () => {
    standIn = createElectronStandIn();
    createElectronAuthority({
      topic: 'settings',
      data: {},
      ipcMain: standIn.ipcMain,
      getWebContents: standIn.getAllWebContents,
    });
    const page = openPage(standIn, 'settings');
    await page.sync.start();
    expect(page.window.ipcRenderer.listenerCount(DEFAULT_INVALIDATE_CHANNEL)).toBe(1);
    await page.sync.stop();
    expect(page.window.ipcRenderer.listenerCount(DEFAULT_INVALIDATE_CHANNEL)).toBe(0);
  });

  it('hands the page the payload only, never the IPC event (whose sender is ipcRenderer)', async () => {
    standIn = createElectronStandIn();
    const { window, bridge } = exposed();
    const calls: unknown[][] = [];
    bridge.subscribe(DEFAULT_INVALIDATE_CHANNEL, (...args: unknown[]) => calls.push(args));
    window.webContents.send(DEFAULT_INVALIDATE_CHANNEL, { topic: 't', revision: '1' }, 'extra');
    await standIn.settle(() => calls.length === 1);
    expect(calls).toEqual([[{ topic: 't', revision: '1' }]]);
  });

  it('only the allowed channels are open; others are refused, for subscribe and invoke', async () => {
    standIn = createElectronStandIn();
    standIn.ipcMain.handle('app:delete-everything', () => 'done');
    standIn.ipcMain.handle('app:open', () => 'opened');
    const closed = exposed();
    expect(() => closed.bridge.subscribe('app:secret', () => {})).toThrow(
      'is not open to the statesync bridge',
    );
    await expect(closed.bridge.invoke('app:delete-everything')).rejects.toThrow(
      'is not open to the statesync bridge',
    );
    expect(closed.window.ipcRenderer.listenerCount('app:secret')).toBe(0);

    const opened = exposed({ channels: ['app:open'], key: 'api' });
    expect(await opened.bridge.invoke('app:open')).toBe('opened');
    await expect(opened.bridge.invoke(DEFAULT_SNAPSHOT_CHANNEL, 'settings')).rejects.toThrow(
      'is not open',
    );
  });

  it('refuses a callback that is not a function', () => {
    standIn = createElectronStandIn();
    const { bridge } = exposed();
    expect(() => bridge.subscribe(DEFAULT_INVALIDATE_CHANNEL, 'nope' as never)).toThrow(
      'subscribe needs a callback function',
    );
  });

  it('returns the bridge as the preload sees it, frozen', () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    const bridge = exposeStateSyncBridge({
      contextBridge: window.contextBridge,
      ipcRenderer: window.ipcRenderer,
    });
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(window.mainWorld.statesync).not.toBe(bridge); // the page got a copy
  });
});
