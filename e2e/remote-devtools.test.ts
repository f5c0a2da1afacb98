// Redux DevTools for an authority without a page, against Redux DevTools' own remote server
// (`@redux-devtools/cli`) started on 127.0.0.1 by this test. The authority is a Node process's
// shared app (two client apps beside it) or a revision-sync topic's authority; it reaches the
// server through `remoteDevtools`. The monitors are a socket logged in as the Redux DevTools app
// logs in (its own socket library), and the Redux DevTools app itself, its web build in Chromium:
// they see each store's calls and send the panel's commands, which run on the authority, so every
// client follows.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuthority, type WebSocketConstructor } from '@statesync/core';
import { connectAuthorityDevtools } from '@statesync/core/devtools';
import { defineStore, type SharedApp, spawn } from '@statesync/shared';
import { connectDevtools, remoteDevtools } from '@statesync/shared/devtools';
import { createTestBed, type TestBed } from '@statesync/shared/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { launchBrowser, serveStatic } from './harness/index.js';
import {
  type Monitor,
  openMonitor,
  REDUX_DEVTOOLS_APP,
  type ReduxDevtoolsServer,
  type RelayedMessage,
  startReduxDevtoolsServer,
} from './harness/redux-devtools-server.js';
import { waitFor } from './harness/wait-for.js';

const todos = defineStore({
  name: 'todos',
  state: () => ({ items: [] as string[] }),
  actions: {
    add(draft, text: string) {
      draft.items.push(text);
    },
  },
});

const Socket = WebSocket as unknown as WebSocketConstructor;
/** Where the Debugging page's picture of the app goes: docs, when asked to refresh it. */
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? join(dirname(fileURLToPath(import.meta.url)), '../docs/guide/devtools-remote.png')
  : join(tmpdir(), 'statesync-devtools-remote.png');

let server: ReduxDevtoolsServer;
const stops: (() => unknown)[] = [];
beforeAll(async () => {
  server = await startReduxDevtoolsServer();
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});
afterAll(async () => {
  await server?.stop();
});

async function monitor(): Promise<Monitor> {
  const opened = await openMonitor(server.port);
  stops.push(() => opened.close());
  return opened;
}

const remote = () =>
  remoteDevtools({
    hostname: '127.0.0.1',
    port: server.port,
    WebSocket: Socket,
    backoff: { maxMs: 500 },
  });

/** The messages one instance sent, by its name. */
const of = (heard: RelayedMessage[], name: string) => heard.filter((m) => m.name === name);
const parse = (text: string | undefined) => (text === undefined ? undefined : JSON.parse(text));
/** The actions of the PERFORM_ACTION wrappers an instance sent, in order. */
const actions = (heard: RelayedMessage[], name: string) =>
  of(heard, name)
    .filter((m) => m.type === 'ACTION')
    .map((m) => parse(m.action).action);

async function sharedApp(): Promise<{ bed: TestBed; a: SharedApp; b: SharedApp }> {
  const bed = await createTestBed({ stores: [todos], clients: 2, name: 'node-app' });
  stops.push(() => bed.dispose());
  const [a, b] = bed.clients as [SharedApp, SharedApp];
  return { bed, a, b };
}
const shown = (app: SharedApp) => app.store(todos).getState().items.join();

describe('remoteDevtools with the Redux DevTools server', () => {
  it("shows a Node authority's calls in a monitor, named, with args, patches, revision and caller", async () => {
    const watching = await monitor();
    const { bed, a, b } = await sharedApp();
    stops.push(connectDevtools(bed.server, { connect: remote() }));
    await waitFor(() => of(watching.heard, 'node-app/todos').some((m) => m.type === 'INIT'), {
      message: 'the instance in the monitor',
    });
    await spawn(a.store(todos), 'add', ['milk']);
    await spawn(b.store(todos), 'add', ['eggs']);
    await waitFor(() => actions(watching.heard, 'node-app/todos').length === 2, {
      message: 'two actions',
    });

    const init = of(watching.heard, 'node-app/todos').find((m) => m.type === 'INIT')!;
    expect(parse(init.payload)).toEqual({ items: [] });
    expect(init.libConfig?.features).toMatchObject({ jump: true, skip: true, dispatch: false });
    expect(actions(watching.heard, 'node-app/todos')).toEqual([
      expect.objectContaining({
        type: 'add',
        args: ['milk'],
        patches: [{ op: 'add', path: ['items', 0], value: 'milk' }],
        revision: '1',
        clientId: a.status.getState().clientId,
      }),
      expect.objectContaining({
        type: 'add',
        args: ['eggs'],
        clientId: b.status.getState().clientId,
      }),
    ]);
    const last = of(watching.heard, 'node-app/todos').at(-1)!;
    expect(last).toMatchObject({ type: 'ACTION', nextActionId: 3 });
    expect(parse(last.payload)).toEqual({ items: ['milk', 'eggs'] });
  });

  it("runs the monitor's jumps on the authority: every client follows, the last action is live", async () => {
    const watching = await monitor();
    const { bed, a, b } = await sharedApp();
    stops.push(connectDevtools(bed.server, { connect: remote() }));
    await waitFor(() => of(watching.heard, 'node-app/todos').length > 0, {
      message: 'the instance',
    });
    for (const text of ['milk', 'eggs', 'tea']) await spawn(a.store(todos), 'add', [text]);
    await waitFor(() => actions(watching.heard, 'node-app/todos').length === 3, {
      message: 'three actions',
    });
    const instance = of(watching.heard, 'node-app/todos').at(-1)!;
    const jump = (actionId: number, state: unknown) =>
      watching.send(instance, {
        type: 'DISPATCH',
        action: { type: 'JUMP_TO_ACTION', actionId },
        state: JSON.stringify(state),
      });

    jump(1, { items: ['milk'] });
    await waitFor(() => shown(a) === 'milk' && shown(b) === 'milk', { message: 'the jump' });
    jump(0, { items: [] });
    await waitFor(() => shown(a) === '' && shown(b) === '', { message: 'the jump to the start' });
    jump(3, { items: ['milk', 'eggs', 'tea'] });
    await waitFor(() => shown(b) === 'milk,eggs,tea', { message: 'the live state' });

    jump(2, { items: ['milk', 'eggs'] });
    await waitFor(() => shown(b) === 'milk,eggs', { message: 'the second jump' });
    // A call runs on the live state and ends the travel.
    await spawn(b.store(todos), 'add', ['jam']);
    await waitFor(() => shown(a) === 'milk,eggs,tea,jam', {
      message: 'the call on the live state',
    });

    watching.send(instance, { type: 'DISPATCH', action: { type: 'RESET' } });
    await waitFor(() => shown(a) === '' && shown(b) === '', { message: 'the reset' });

    // An import, as the monitor sends it: the lifted state as JSON text; its last state is live.
    const imported = {
      actionsById: {},
      computedStates: [{ state: { items: [] } }, { state: { items: ['imported'] } }],
      stagedActionIds: [0, 1],
      skippedActionIds: [],
      currentStateIndex: 1,
      nextActionId: 2,
    };
    watching.send(instance, { type: 'IMPORT', state: JSON.stringify(imported) });
    await waitFor(() => shown(a) === 'imported' && shown(b) === 'imported', {
      message: 'the import',
    });
  });

  it('gives a monitor that starts late, and one after a lost server, the whole history', async () => {
    const { bed, a } = await sharedApp();
    stops.push(connectDevtools(bed.server, { connect: remote() }));
    await spawn(a.store(todos), 'add', ['milk']);
    await spawn(a.store(todos), 'add', ['eggs']);

    const late = await monitor();
    const history = () => {
      const state = of(late.heard, 'node-app/todos')
        .filter((m) => m.type === 'STATE')
        .at(-1);
      return parse(state?.payload) as
        | { computedStates: { state: unknown }[]; stagedActionIds: number[] }
        | undefined;
    };
    await waitFor(() => history()?.computedStates.length === 3, { message: 'the history' });
    expect(history()).toMatchObject({
      stagedActionIds: [0, 1, 2],
      computedStates: [
        { state: { items: [] } },
        { state: { items: ['milk'] } },
        { state: { items: ['milk', 'eggs'] } },
      ],
    });

    // The server goes away and comes back on its port: the authority connects again by itself.
    const { port } = server;
    await server.stop();
    server = await startReduxDevtoolsServer(port);
    const again = await monitor();
    await waitFor(() => of(again.heard, 'node-app/todos').some((m) => m.type === 'STATE'), {
      message: 'the instance after the restart',
      timeoutMs: 20_000,
    });
    await spawn(a.store(todos), 'add', ['tea']);
    await waitFor(() => actions(again.heard, 'node-app/todos').length === 1, {
      message: 'an action after the restart',
    });
  });

  it("travels a revision-sync topic's authority from the monitor", async () => {
    const watching = await monitor();
    const settings = createAuthority({ topic: 'settings', data: { theme: 'dark' } });
    const stop = connectAuthorityDevtools(settings, { connect: remote() });
    stops.push(() => stop?.());
    await waitFor(() => of(watching.heard, 'settings').length > 0, { message: 'the topic' });
    settings.set({ theme: 'light' });
    await waitFor(() => actions(watching.heard, 'settings').length === 1, { message: 'a set' });
    expect(actions(watching.heard, 'settings')[0]).toMatchObject({ type: 'set', revision: '1' });

    const instance = of(watching.heard, 'settings').at(-1)!;
    watching.send(instance, {
      type: 'DISPATCH',
      action: { type: 'JUMP_TO_ACTION', actionId: 0 },
      state: JSON.stringify({ theme: 'dark' }),
    });
    await waitFor(() => settings.getData().theme === 'dark', { message: 'the jump' });
  });

  it('shows the stores in the Redux DevTools app, whose Jump travels every client', async () => {
    const { bed, a, b } = await sharedApp();
    stops.push(connectDevtools(bed.server, { connect: remote() }));
    for (const text of ['milk', 'eggs', 'tea']) await spawn(a.store(todos), 'add', [text]);
    await spawn(b.store(todos), 'add', ['jam']);

    // The app itself (its web build), served here, connected to the server in its settings.
    const site = await serveStatic({ root: REDUX_DEVTOOLS_APP });
    stops.push(() => site.close());
    const browser = await launchBrowser();
    stops.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1000, height: 560 } });
    await page.goto(site.url);
    await page.getByText('Settings', { exact: true }).click();
    await page.getByText('Connection', { exact: true }).click();
    await page.getByText('custom', { exact: true }).click();
    await page.locator('#root_hostname').fill('127.0.0.1');
    await page.locator('#root_port').fill(String(server.port));
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByText('Actions', { exact: true }).click();

    // Its action list: the start, then each call by its action's name.
    const names = page.getByText('add', { exact: true });
    await waitFor(async () => (await names.count()) === 4, { message: 'four calls in the app' });

    // Jump to the first call: it runs on the authority, so both clients show it.
    const jump = async (actionId: number) => {
      const row = page.locator(`[data-id="${actionId}"]`);
      await row.hover();
      await row.getByText('Jump', { exact: true }).click();
    };
    await jump(1);
    await waitFor(() => shown(a) === 'milk' && shown(b) === 'milk', { message: 'the jump' });
    await page.locator('[data-id="1"]').click();
    await page.getByText('Action', { exact: true }).click();
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    const shot = await page.screenshot({ path: SCREENSHOT });
    expect(shot.subarray(1, 4).toString()).toBe('PNG');

    // The last call is the live state.
    await jump(4);
    await waitFor(() => shown(a) === 'milk,eggs,tea,jam' && shown(b) === 'milk,eggs,tea,jam', {
      message: 'back to live',
    });

    // Skip the second call: the authority replays the others, and every client shows that.
    const row = page.locator('[data-id="2"]');
    await row.hover();
    await row.getByText('Skip', { exact: true }).click();
    await waitFor(() => shown(a) === 'milk,tea,jam' && shown(b) === 'milk,tea,jam', {
      message: 'the skip',
    });
  });
});
