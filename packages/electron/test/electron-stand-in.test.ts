// The stand-in is what every other test of this package relies on, so it is tested itself: if it
// ever became a synchronous, sharing fake, the other tests would pass for the wrong reasons.

import { afterEach, describe, expect, it } from 'vitest';
import { createElectronStandIn, crossWorlds, type ElectronStandIn } from './electron-stand-in.js';

let standIn: ElectronStandIn;
afterEach(() => standIn?.dispose());

describe('electron stand-in: webContents.send → ipcRenderer', () => {
  it('delivers after a macrotask, not synchronously nor in a microtask', async () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    const received: unknown[] = [];
    window.ipcRenderer.on('ch', (_event, payload) => received.push(payload));

    window.webContents.send('ch', 1);
    expect(received).toEqual([]);
    await Promise.resolve();
    await Promise.resolve();
    expect(received).toEqual([]);
    expect(standIn.inFlight()).toBe(1);

    await standIn.settle(() => received.length === 1);
    expect(received).toEqual([1]);
  });

  it('delivers in the order sent, to the listeners of that window only', async () => {
    standIn = createElectronStandIn();
    const a = standIn.createWindow();
    const b = standIn.createWindow();
    const atA: unknown[] = [];
    const atB: unknown[] = [];
    a.ipcRenderer.on('ch', (_event, payload) => atA.push(payload));
    b.ipcRenderer.on('ch', (_event, payload) => atB.push(payload));
    for (let i = 0; i < 5; i++) a.webContents.send('ch', i);
    await standIn.settle();
    expect(atA).toEqual([0, 1, 2, 3, 4]);
    expect(atB).toEqual([]);
  });

  it('structured-clones every payload at send time', async () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    const received: unknown[] = [];
    window.ipcRenderer.on('ch', (_event, payload) => received.push(payload));
    const sent = { nested: { n: 1 }, when: new Date(0) };

    window.webContents.send('ch', sent);
    sent.nested.n = 2; // changed after sending: the copy was taken already
    await standIn.settle();

    expect(received).toEqual([{ nested: { n: 1 }, when: new Date(0) }]);
    expect(received[0]).not.toBe(sent);
  });

  it('throws at send for a payload that cannot be cloned, and delivers nothing', async () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    const received: unknown[] = [];
    window.ipcRenderer.on('ch', (_event, payload) => received.push(payload));
    expect(() => window.webContents.send('ch', { onClick() {} })).toThrow(
      'An object could not be cloned.',
    );
    await standIn.settle();
    expect(received).toEqual([]);
  });

  it('a destroyed window: isDestroyed, send throws, messages under way are dropped', async () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    const received: unknown[] = [];
    window.ipcRenderer.on('ch', (_event, payload) => received.push(payload));
    window.webContents.send('ch', 'under way');
    window.destroy();

    expect(window.webContents.isDestroyed()).toBe(true);
    expect(() => window.webContents.send('ch', 'later')).toThrow('Object has been destroyed');
    expect(standIn.getAllWebContents()).not.toContain(window.webContents);
    await standIn.settle();
    expect(received).toEqual([]);
  });
});

describe('electron stand-in: ipcMain.handle ↔ ipcRenderer.invoke', () => {
  it('one handler per channel, as Electron enforces', () => {
    standIn = createElectronStandIn();
    standIn.ipcMain.handle('ch', () => 1);
    expect(() => standIn.ipcMain.handle('ch', () => 2)).toThrow(
      "Attempted to register a second handler for 'ch'",
    );
    standIn.ipcMain.removeHandler('ch');
    expect(() => standIn.ipcMain.handle('ch', () => 3)).not.toThrow();
  });

  it('clones arguments and result, and answers asynchronously', async () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    const shared = { n: 1 };
    let seen: unknown;
    standIn.ipcMain.handle('ch', (event, arg) => {
      seen = arg;
      expect(event.sender).toBe(window.webContents);
      return shared;
    });
    const arg = { a: [1] };
    let settled = false;
    const reply = window.ipcRenderer.invoke('ch', arg).finally(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(seen).toBeUndefined(); // the handler has not even run yet
    expect(settled).toBe(false);

    expect(await reply).toEqual({ n: 1 });
    expect(await window.ipcRenderer.invoke('ch', arg)).not.toBe(shared);
    expect(seen).toEqual(arg);
    expect(seen).not.toBe(arg);
  });

  it("rejects with Electron's 'Error invoking remote method' message", async () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    standIn.ipcMain.handle('fails', () => {
      throw new TypeError('boom');
    });
    standIn.ipcMain.handle('uncloneable', () => ({ run() {} }));

    await expect(window.ipcRenderer.invoke('fails')).rejects.toThrow(
      "Error invoking remote method 'fails': TypeError: boom",
    );
    await expect(window.ipcRenderer.invoke('missing')).rejects.toThrow(
      "Error invoking remote method 'missing': Error: No handler registered for 'missing'",
    );
    await expect(window.ipcRenderer.invoke('uncloneable')).rejects.toThrow(
      "Error invoking remote method 'uncloneable': Error: An object could not be cloned.",
    );
    await expect(window.ipcRenderer.invoke('fails', () => {})).rejects.toThrow(
      'An object could not be cloned.',
    );
    expect(standIn.handlerErrors).toHaveLength(3); // the argument never left the renderer
  });
});

describe('electron stand-in: contextBridge', () => {
  it('copies objects (without prototypes) and replaces functions by new proxies each crossing', () => {
    standIn = createElectronStandIn();
    const window = standIn.createWindow();
    class Api {
      version = 1;
      hello() {
        return 'hi';
      }
    }
    const greet = (name: string) => `hi ${name}`;
    const api = { greet, again: greet, nested: { n: 1 }, instance: new Api(), tag: Symbol('x') };
    window.contextBridge.exposeInMainWorld('api', api);
    const exposed = window.mainWorld.api as typeof api;

    expect(exposed).not.toBe(api);
    expect(exposed.nested).toEqual({ n: 1 });
    expect(exposed.nested).not.toBe(api.nested);
    expect(exposed.greet).not.toBe(greet);
    expect(exposed.greet).not.toBe(exposed.again); // same function, two crossings, two proxies
    expect(exposed.greet('you')).toBe('hi you');
    expect(exposed.instance).toEqual({ version: 1 }); // prototype (and its method) dropped
    expect(exposed.tag).toBeUndefined();
    expect(() => window.contextBridge.exposeInMainWorld('api', {})).toThrow(
      'Cannot bind an API on top of an existing property',
    );
  });

  it('a callback passed back and forth is a different function every time', () => {
    const seen: unknown[] = [];
    const preloadSide = crossWorlds({ keep: (callback: unknown) => seen.push(callback) }) as {
      keep(callback: unknown): void;
    };
    const callback = () => {};
    preloadSide.keep(callback);
    preloadSide.keep(callback);
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(callback);
    expect(seen[0]).not.toBe(seen[1]);
    // Which is why `off(channel, callback)` cannot work through a bridge: the preload cannot
    // find the listener it registered for `callback`.
  });

  it('proxies promises at the top level, copies errors with their message only', async () => {
    class CodedError extends Error {
      code = 'E_CODE';
    }
    const exposed = crossWorlds({
      ok: async () => ({ n: 1 }),
      fails: async () => {
        throw new CodedError('nope');
      },
      throws: () => {
        throw new CodedError('sync nope');
      },
      nested: () => ({ later: Promise.resolve(1) }),
    }) as {
      ok(): Promise<unknown>;
      fails(): Promise<unknown>;
      throws(): unknown;
      nested(): { later: unknown };
    };

    expect(await exposed.ok()).toEqual({ n: 1 });
    const error = await exposed.fails().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(CodedError);
    expect((error as Error).message).toBe('nope');
    expect((error as { code?: string }).code).toBeUndefined();
    expect(() => exposed.throws()).toThrow('sync nope');
    expect(exposed.nested().later).toBeUndefined();
  });
});
