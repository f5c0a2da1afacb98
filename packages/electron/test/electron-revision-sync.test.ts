// Main process, preload and pages together, over the Electron stand-in (electron-stand-in.ts):
// asynchronous, cloning IPC and a cloning context bridge, several windows, one main process.

import { isStateSyncError, type SnapshotEnvelope } from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createElectronAuthority,
  createElectronRevisionSync,
  createStateSyncBridge,
  DEFAULT_INVALIDATE_CHANNEL,
  DEFAULT_SNAPSHOT_CHANNEL,
  handleElectronSnapshots,
} from '../src/index.js';
import { createElectronStandIn, type ElectronStandIn } from './electron-stand-in.js';
import { countCalls, openPage, type Page } from './harness.js';

type Settings = { theme: 'light' | 'dark'; fontSize: number };

const INITIAL: Settings = { theme: 'light', fontSize: 14 };

let standIn: ElectronStandIn;
let pages: Page<unknown>[] = [];

afterEach(async () => {
  await Promise.all(pages.map((page) => page.sync.stop()));
  pages = [];
  standIn?.dispose();
});

function open<T>(...args: Parameters<typeof openPage<T>>): Page<T> {
  const page = openPage<T>(...args);
  pages.push(page as Page<unknown>);
  return page;
}

describe('settings across three windows', () => {
  it('every window starts from the snapshot and follows every change, each with its own copy', async () => {
    standIn = createElectronStandIn();
    const ipc = countCalls(standIn.ipcMain);
    const settings = createElectronAuthority<Settings>({
      topic: 'settings',
      data: INITIAL,
      epoch: 'boot-1',
      ipcMain: ipc.ipcMain,
      getWebContents: standIn.getAllWebContents,
    });
    const windows = [1, 2, 3].map(() => open<Settings>(standIn, 'settings'));

    await Promise.all(windows.map(({ sync }) => sync.start()));
    for (const { sync, view } of windows) {
      expect(sync.getLocalRevision()).toBe('0');
      expect(view.data).toEqual(INITIAL);
    }
    expect(ipc.count(DEFAULT_SNAPSHOT_CHANNEL)).toBe(3);

    settings.update((current) => ({ ...current, theme: 'dark' }));
    settings.update((current) => ({ ...current, fontSize: 16 }));
    await standIn.settle(() => windows.every(({ sync }) => sync.getLocalRevision() === '2'));

    const views = windows.map(({ view }) => view.data);
    for (const data of views) {
      expect(data).toEqual({ theme: 'dark', fontSize: 16 });
      expect(data).not.toBe(settings.getData()); // cloned by IPC and by the context bridge
    }
    expect(new Set(views).size).toBe(3);
    for (const { sync, errors } of windows) {
      expect(sync.status.getState()).toMatchObject({ state: 'synced', epoch: 'boot-1' });
      expect(errors).toEqual([]);
    }

    // Teardown leaves nothing behind: no listener in any page, no handler in main.
    await Promise.all(windows.map(({ sync }) => sync.stop()));
    for (const { window } of windows) {
      expect(window.ipcRenderer.listenerCount(DEFAULT_INVALIDATE_CHANNEL)).toBe(0);
    }
    settings.dispose();
    expect(standIn.ipcMain.handledChannels()).toEqual([]);
  });

  it('a window opened later pulls the current state; events it missed do not matter', async () => {
    standIn = createElectronStandIn();
    const settings = createElectronAuthority<Settings>({
      topic: 'settings',
      data: INITIAL,
      ipcMain: standIn.ipcMain,
      getWebContents: standIn.getAllWebContents,
    });
    settings.update((current) => ({ ...current, fontSize: 20 }));
    const late = open<Settings>(standIn, 'settings');
    await late.sync.start();
    expect(late.sync.getLocalRevision()).toBe('1');
    expect(late.view.data).toEqual({ theme: 'light', fontSize: 20 });
  });
});

describe("the writer's self-echo", () => {
  const WRITE = 'settings:write';

  /** Main: windows write through WRITE; the reply is the snapshot the write produced. */
  function mainWithWrites() {
    standIn = createElectronStandIn();
    const ipc = countCalls(standIn.ipcMain);
    const settings = createElectronAuthority<Settings>({
      topic: 'settings',
      data: INITIAL,
      epoch: 'boot-1',
      ipcMain: ipc.ipcMain,
      getWebContents: standIn.getAllWebContents,
    });
    ipc.ipcMain.handle(WRITE, (_event, request) => {
      const { change, sourceId } = request as { change: Partial<Settings>; sourceId: string };
      settings.update((current) => ({ ...current, ...change }), { sourceId });
      return settings.getSnapshot();
    });
    return { ipc, settings };
  }

  /** Page: writes, then takes the reply as its new state. */
  async function write(page: Page<Settings>, change: Partial<Settings>, sourceId: string) {
    const reply = (await page.bridge.invoke(WRITE, {
      change,
      sourceId,
    })) as SnapshotEnvelope<Settings>;
    const before = page.sync.getLocalRevision();
    page.sync.setLocalRevision(reply.revision, reply.epoch);
    if (page.sync.getLocalRevision() !== before) page.view.data = reply.data;
  }

  it('costs the writer no pull when it filters its own sourceId; the others pull once', async () => {
    const { ipc } = mainWithWrites();
    const channels = [DEFAULT_INVALIDATE_CHANNEL, DEFAULT_SNAPSHOT_CHANNEL, WRITE];
    const writerId = 'window-a';
    const writer = open<Settings>(standIn, 'settings', {
      channels,
      shouldRefresh: (event) => event.sourceId !== writerId,
    });
    const others = [1, 2].map(() => open<Settings>(standIn, 'settings', { channels }));
    await Promise.all([writer, ...others].map(({ sync }) => sync.start()));

    await write(writer, { theme: 'dark' }, writerId);
    await standIn.settle(() => others.every(({ sync }) => sync.getLocalRevision() === '1'));

    expect(writer.sync.getLocalRevision()).toBe('1');
    expect(writer.view.data).toEqual({ theme: 'dark', fontSize: 14 });
    expect(ipc.count(DEFAULT_SNAPSHOT_CHANNEL, writer.window)).toBe(1); // start() only
    for (const other of others) {
      expect(other.view.data).toEqual({ theme: 'dark', fontSize: 14 });
      expect(ipc.count(DEFAULT_SNAPSHOT_CHANNEL, other.window)).toBe(2); // start() + the change
    }
  });

  it('an announcement of a revision a window holds already is gated: no pull anywhere', async () => {
    const { ipc, settings } = mainWithWrites();
    const windows = [1, 2, 3].map(() => open<Settings>(standIn, 'settings'));
    await Promise.all(windows.map(({ sync }) => sync.start()));
    settings.update((current) => ({ ...current, fontSize: 18 }));
    await standIn.settle(() => windows.every(({ sync }) => sync.getLocalRevision() === '1'));
    const pulls = ipc.count(DEFAULT_SNAPSHOT_CHANNEL);
    expect(pulls).toBe(6);

    settings.publish(); // "1" again, e.g. the echo of a write every window has seen
    settings.publish();
    await standIn.settle();

    expect(ipc.count(DEFAULT_SNAPSHOT_CHANNEL)).toBe(pulls);
  });

  it('without the sourceId filter, the echo outruns the write reply and costs one pull', async () => {
    // Electron delivers main → page messages in order: the invalidation sent while the write
    // handler runs arrives before that handler's reply, so the gate alone cannot skip it.
    const { ipc } = mainWithWrites();
    const writer = open<Settings>(standIn, 'settings', {
      channels: [DEFAULT_INVALIDATE_CHANNEL, DEFAULT_SNAPSHOT_CHANNEL, WRITE],
    });
    await writer.sync.start();
    await write(writer, { theme: 'dark' }, 'window-a');
    await standIn.settle();
    expect(ipc.count(DEFAULT_SNAPSHOT_CHANNEL, writer.window)).toBe(2);
    expect(writer.sync.getLocalRevision()).toBe('1');
  });
});

describe('a window destroyed mid-session', () => {
  it('is skipped by the broadcaster; the other windows carry on', async () => {
    standIn = createElectronStandIn();
    const everyWindow = () => windows.map(({ window }) => window.webContents);
    const settings = createElectronAuthority<Settings>({
      topic: 'settings',
      data: INITIAL,
      ipcMain: standIn.ipcMain,
      // Includes the destroyed one on purpose: the broadcaster must skip it itself.
      getWebContents: everyWindow,
    });
    const windows = [1, 2, 3].map(() => open<Settings>(standIn, 'settings'));
    await Promise.all(windows.map(({ sync }) => sync.start()));
    const [first, closed, third] = windows as [Page<Settings>, Page<Settings>, Page<Settings>];

    // Closed with a message still on its way to it, and without its page stopping anything.
    settings.update((current) => ({ ...current, fontSize: 15 }));
    closed.window.destroy();
    expect(() => settings.update((current) => ({ ...current, fontSize: 16 }))).not.toThrow();
    await standIn.settle(
      () => first.sync.getLocalRevision() === '2' && third.sync.getLocalRevision() === '2',
    );

    expect(first.view.data).toEqual({ theme: 'light', fontSize: 16 });
    expect(third.view.data).toEqual({ theme: 'light', fontSize: 16 });
    expect(closed.sync.getLocalRevision()).toBe('0');
    expect([...first.errors, ...third.errors]).toEqual([]);
  });
});

describe('malformed payloads', () => {
  it('malformed invalidations reach onError as typed protocol errors and are dropped', async () => {
    standIn = createElectronStandIn();
    const settings = createElectronAuthority<Settings>({
      topic: 'settings',
      data: INITIAL,
      ipcMain: standIn.ipcMain,
      getWebContents: standIn.getAllWebContents,
    });
    const page = open<Settings>(standIn, 'settings');
    await page.sync.start();

    const bad = [
      { topic: 'settings', revision: '01' },
      { topic: 'settings', revision: 1 },
      { topic: 'settings' },
      'settings changed',
      null,
    ];
    for (const payload of bad) page.window.webContents.send(DEFAULT_INVALIDATE_CHANNEL, payload);
    await standIn.settle(() => page.errors.length === bad.length);

    expect(page.errors.map(({ phase, error }) => [phase, error.code])).toEqual(
      bad.map(() => ['protocol', 'protocol']),
    );
    expect(page.errors.map(({ sourceEvent }) => sourceEvent)).toEqual(bad);
    expect(page.errors.every(({ error }) => isStateSyncError(error))).toBe(true);

    // Still listening: the next real change arrives.
    settings.update((current) => ({ ...current, theme: 'dark' }));
    await standIn.settle(() => page.sync.getLocalRevision() === '1');
    expect(page.view.data).toEqual({ theme: 'dark', fontSize: 14 });
  });

  it('a malformed snapshot is a protocol error, not applied and not retried', async () => {
    standIn = createElectronStandIn();
    let pulls = 0;
    const replies: unknown[] = [
      { revision: 3, data: {} },
      { version: '3', data: {} },
      { revision: '3', epoch: '', data: {} },
      { error: 'not a wire error' },
      'nope',
    ];
    standIn.ipcMain.handle(DEFAULT_SNAPSHOT_CHANNEL, () => replies[pulls++]);
    for (const reply of replies) {
      const page = open<unknown>(standIn, 'settings', { retry: { maxAttempts: 3 } });
      await page.sync.start();
      expect(page.view.applied, JSON.stringify(reply)).toBe(0);
      expect(page.errors.map(({ phase, error }) => [phase, error.code])).toEqual([
        ['protocol', 'protocol'],
      ]);
      expect(page.sync.status.getState().state).toBe('error');
    }
    expect(pulls).toBe(replies.length); // one pull each: a malformed answer is final
  });
});

describe('snapshot handler failures', () => {
  function failingMain(failures: number) {
    standIn = createElectronStandIn();
    let pulls = 0;
    const dispose = handleElectronSnapshots({
      ipcMain: standIn.ipcMain,
      getSnapshot() {
        pulls++;
        if (pulls <= failures) throw new TypeError(`boom ${pulls}`);
        return { revision: '7', epoch: 'boot-1', data: { theme: 'dark', fontSize: 14 } };
      },
    });
    return { dispose, pulls: () => pulls };
  }

  it('are retried; onError hears each attempt; the third attempt syncs', async () => {
    const main = failingMain(2);
    const clock = createVirtualClock();
    const page = open<Settings>(standIn, 'settings', {
      timers: clock,
      retry: { maxAttempts: 3, initialDelayMs: 100, jitter: 0 },
    });
    const started = page.sync.start();

    await standIn.settle(() => main.pulls() === 1 && page.errors.length === 1);
    await clock.advance(100);
    await standIn.settle(() => main.pulls() === 2 && page.errors.length === 2);
    await clock.advance(200);
    await standIn.settle(() => main.pulls() === 3);
    await started;

    expect(
      page.errors.map(({ phase, error, attempt, willRetry, nextDelayMs }) => ({
        phase,
        code: error.code,
        remoteName: error.remoteName,
        attempt,
        willRetry,
        nextDelayMs,
      })),
    ).toEqual([
      {
        phase: 'snapshot',
        code: 'snapshot_failed',
        remoteName: 'TypeError',
        attempt: 1,
        willRetry: true,
        nextDelayMs: 100,
      },
      {
        phase: 'snapshot',
        code: 'snapshot_failed',
        remoteName: 'TypeError',
        attempt: 2,
        willRetry: true,
        nextDelayMs: 200,
      },
    ]);
    expect(page.errors[0]?.error.message).toContain('boom 1');
    expect(page.view.data).toEqual({ theme: 'dark', fontSize: 14 });
    expect(page.sync.status.getState()).toMatchObject({ state: 'synced', localRevision: '7' });
  });

  it('once the retries are spent, onError hears the final failure and the status is error', async () => {
    const main = failingMain(Number.POSITIVE_INFINITY);
    const clock = createVirtualClock();
    const page = open<Settings>(standIn, 'settings', {
      timers: clock,
      retry: { maxAttempts: 2, initialDelayMs: 50, jitter: 0 },
    });
    const started = page.sync.start();
    await standIn.settle(() => page.errors.length === 1);
    await clock.advance(50);
    await standIn.settle(() => page.errors.length === 2);
    await started;

    expect(main.pulls()).toBe(2);
    const last = page.errors.at(-1);
    expect(last).toMatchObject({ phase: 'snapshot', attempt: 2, willRetry: false });
    expect(last?.error.code).toBe('snapshot_failed');
    expect(page.sync.status.getState().state).toBe('error');
    expect(page.view.applied).toBe(0);
  });

  it('no handler at all: the Electron error, named after the channel, as snapshot_failed', async () => {
    standIn = createElectronStandIn();
    const page = open<Settings>(standIn, 'settings', { retry: false });
    await page.sync.start();
    expect(page.errors).toHaveLength(1);
    expect(page.errors[0]?.error.code).toBe('snapshot_failed');
    expect(page.errors[0]?.error.message).toContain(
      `Error invoking remote method '${DEFAULT_SNAPSHOT_CHANNEL}'`,
    );
  });
});

describe('main process restart', () => {
  it('a new epoch whose counter went back to 1 is accepted by every window', async () => {
    standIn = createElectronStandIn();
    const first = createElectronAuthority<Settings>({
      topic: 'settings',
      data: INITIAL,
      epoch: 'boot-1',
      ipcMain: standIn.ipcMain,
      getWebContents: standIn.getAllWebContents,
    });
    const windows = [1, 2].map(() => open<Settings>(standIn, 'settings'));
    await Promise.all(windows.map(({ sync }) => sync.start()));
    for (let fontSize = 15; fontSize <= 19; fontSize++) {
      first.update((current) => ({ ...current, fontSize }));
    }
    await standIn.settle(() => windows.every(({ sync }) => sync.getLocalRevision() === '5'));

    // The main-side state starts over, e.g. reloaded from disk by a new main process.
    first.dispose();
    const second = createElectronAuthority<Settings>({
      topic: 'settings',
      data: { theme: 'dark', fontSize: 12 },
      epoch: 'boot-2',
      ipcMain: standIn.ipcMain,
      getWebContents: standIn.getAllWebContents,
    });
    second.update((current) => ({ ...current, fontSize: 13 })); // revision "1" of boot-2
    await standIn.settle(() => windows.every(({ sync }) => sync.getLocalRevision() === '1'));

    for (const { sync, view, errors } of windows) {
      expect(sync.status.getState()).toMatchObject({ localRevision: '1', epoch: 'boot-2' });
      expect(view.data).toEqual({ theme: 'dark', fontSize: 13 });
      expect(errors).toEqual([]);
    }
    second.dispose();
  });
});

describe('a snapshot that cannot be cloned', () => {
  type WithHandler = { theme: string; onChange?: () => void };

  it('fails with not_cloneable naming the path, once, without retries', async () => {
    standIn = createElectronStandIn();
    const ipc = countCalls(standIn.ipcMain);
    createElectronAuthority<WithHandler>({
      topic: 'settings',
      data: { theme: 'light', onChange: () => {} },
      ipcMain: ipc.ipcMain,
      getWebContents: standIn.getAllWebContents,
    });
    const page = open<WithHandler>(standIn, 'settings', { retry: { maxAttempts: 3 } });
    await page.sync.start();

    expect(page.errors).toHaveLength(1);
    const [failure] = page.errors;
    expect(failure?.phase).toBe('snapshot');
    expect(failure?.willRetry).toBe(false);
    expect(isStateSyncError(failure?.error, 'not_cloneable')).toBe(true);
    expect(failure?.error.message).toContain('snapshot.data.onChange cannot be structured-cloned');
    expect(ipc.count(DEFAULT_SNAPSHOT_CHANNEL)).toBe(1);
  });

  it("with checkCloneable off, Electron's own clone failure arrives as snapshot_failed", async () => {
    standIn = createElectronStandIn();
    createElectronAuthority<WithHandler>({
      topic: 'settings',
      data: { theme: 'light', onChange: () => {} },
      ipcMain: standIn.ipcMain,
      getWebContents: standIn.getAllWebContents,
      checkCloneable: false,
    });
    const page = open<WithHandler>(standIn, 'settings', { retry: false });
    await page.sync.start();
    expect(page.errors[0]?.error.code).toBe('snapshot_failed');
    expect(page.errors[0]?.error.message).toContain('An object could not be cloned.');
  });
});

describe('renderer options', () => {
  it('custom channel names on both sides', async () => {
    standIn = createElectronStandIn();
    const channels = { invalidate: 'app:settings-changed', snapshot: 'app:get-state' };
    const settings = createElectronAuthority<Settings>({
      topic: 'settings',
      data: INITIAL,
      ipcMain: standIn.ipcMain,
      getWebContents: standIn.getAllWebContents,
      invalidateChannel: channels.invalidate,
      snapshotChannel: channels.snapshot,
    });
    const page = open<Settings>(standIn, 'settings', {
      channels: [channels.invalidate, channels.snapshot],
      invalidateChannel: channels.invalidate,
      snapshotChannel: channels.snapshot,
    });
    await page.sync.start();
    settings.update((current) => ({ ...current, theme: 'dark' }));
    await standIn.settle(() => page.sync.getLocalRevision() === '1');
    expect(page.view.data?.theme).toBe('dark');
    expect(standIn.ipcMain.handledChannels()).toEqual([channels.snapshot]);
  });

  it('works without context isolation, over createStateSyncBridge', async () => {
    standIn = createElectronStandIn();
    const settings = createElectronAuthority<Settings>({
      topic: 'settings',
      data: INITIAL,
      ipcMain: standIn.ipcMain,
      getWebContents: standIn.getAllWebContents,
    });
    const window = standIn.createWindow();
    let shown: Settings | undefined;
    const sync = createElectronRevisionSync<Settings>({
      topic: 'settings',
      bridge: createStateSyncBridge(window.ipcRenderer),
      applier: {
        apply({ data }) {
          shown = data;
        },
      },
      throttling: {},
    });
    await sync.start();
    settings.set({ theme: 'dark', fontSize: 11 });
    await standIn.settle(() => sync.getLocalRevision() === '1');
    expect(shown).toEqual({ theme: 'dark', fontSize: 11 });
    await sync.stop();
    expect(window.ipcRenderer.listenerCount(DEFAULT_INVALIDATE_CHANNEL)).toBe(0);
  });

  it('refuses a missing bridge at creation with invalid_option', () => {
    const create = (bridge: unknown) => () =>
      createElectronRevisionSync({
        topic: 'settings',
        bridge: bridge as never,
        applier: { apply() {} },
      });
    for (const bridge of [undefined, null, {}, { subscribe() {} }]) {
      expect(create(bridge)).toThrow(
        expect.objectContaining({ name: 'StateSyncError', code: 'invalid_option' }),
      );
    }
  });
});
