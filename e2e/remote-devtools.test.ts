// Redux DevTools for an authority without a page, against Redux DevTools' own remote server
// (`@redux-devtools/cli`) started on 127.0.0.1 by this test. The authority is a Node process's
// shared app (two client apps beside it) or a revision-sync topic's authority; it reaches the
// server through `remoteDevtools`, and a monitor logged in to the same server sees each store's
// calls and sends the panel's commands, which run on the authority so every client follows.
import { createAuthority, type WebSocketConstructor } from '@statesync/core';
import { connectAuthorityDevtools } from '@statesync/core/devtools';
import { defineStore, type SharedApp, spawn } from '@statesync/shared';
import { connectDevtools, remoteDevtools } from '@statesync/shared/devtools';
import { createTestBed, type TestBed } from '@statesync/shared/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type Monitor,
  openMonitor,
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
});
