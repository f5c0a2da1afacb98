import {
  isStateSyncError,
  PROTOCOL_VERSION,
  type StateSyncError,
  type Transport,
} from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import { describeTransportConformance } from '../../core/test/conformance/transport-conformance.js';
import { createSharedApp, type SharedApp, type SharedAppOptions, spawn } from '../src/index.js';
import {
  createWindowClientTransport,
  createWindowServerTransport,
  type WindowServerTransportOptions,
} from '../src/links/window-transport.js';
import { counter, todos } from './stores.js';
import { lockStandIn, recordingLogger, relayMedium, windowStandIn } from './window-stand-in.js';

const PARENT = 'https://app.example';
const FRIEND = 'http://127.0.0.1:5174';
const STRANGER = 'https://evil.example';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One real macrotask, after the stand-in's deliveries queued before it. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Waits, a task at a time and at most 200 tasks, until `condition` holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await nextTask();
  if (!condition()) throw new Error(`never happened: ${what}`);
}

describeTransportConformance('window links (frames of allowed origins)', () => {
  const parent = windowStandIn(PARENT);
  const server = createWindowServerTransport({
    allowedOrigins: [PARENT, FRIEND],
    window: parent.window,
    logger: quiet,
  });
  let made = 0;
  return relayMedium(server.accept, () =>
    createWindowClientTransport({
      target: parent.from(made++ % 2 ? FRIEND : PARENT),
      targetOrigin: PARENT,
    }),
  );
});

/** A parent window with a server transport accepting into `links`. */
function parentWith(options: Partial<WindowServerTransportOptions> = {}, accept = true) {
  const parent = windowStandIn(PARENT);
  const { logger, lines } = recordingLogger();
  const refused: { origin: string; error: StateSyncError }[] = [];
  const server = createWindowServerTransport({
    allowedOrigins: [PARENT],
    window: parent.window,
    logger,
    onRefused: (origin, error) => refused.push({ origin, error }),
    ...options,
  });
  const links: Transport[] = [];
  const stop = accept ? server.accept((link) => links.push(link)) : () => {};
  cleanups.push(() => {
    stop();
    for (const link of links) link.close();
  });
  return { parent, server, links, refused, lines, stop };
}

function child(
  parent: ReturnType<typeof windowStandIn>,
  origin: string,
  extra: { locks?: ReturnType<typeof lockStandIn> | null; name?: string } = {},
) {
  const transport = createWindowClientTransport({
    target: parent.from(origin),
    targetOrigin: parent.origin,
    ...extra,
  });
  cleanups.push(() => transport.close());
  return transport;
}

describe('createWindowServerTransport', () => {
  it('links a child of an allowed origin both ways over its port', async () => {
    const { parent, server, links, refused } = parentWith();
    const link = child(parent, PARENT);
    const atChild: unknown[] = [];
    link.subscribe((message) => atChild.push(message));
    link.send({ from: 'child' });
    await until(() => links.length === 1, 'the link to be accepted');
    const atParent: unknown[] = [];
    links[0]!.subscribe((message) => atParent.push(message));
    links[0]!.send({ from: 'parent' });
    await until(() => atChild.length === 1 && atParent.length === 1, 'both messages');
    expect(atParent).toEqual([{ from: 'child' }]);
    expect(atChild).toEqual([{ from: 'parent' }]);
    expect(server.connections()).toBe(1);
    expect(refused).toEqual([]);
    links[0]!.close();
    expect(server.connections()).toBe(0);
  });

  it('refuses another origin: reported, never answered, nothing delivered', async () => {
    const { parent, server, links, refused, lines } = parentWith();
    const link = child(parent, STRANGER);
    const atChild: unknown[] = [];
    link.subscribe((message) => atChild.push(message));
    link.send({ v: PROTOCOL_VERSION, type: 'hello', app: 'x', version: '0', clientId: 'c' });
    await until(() => refused.length === 1, 'the refusal');
    for (let i = 0; i < 5; i++) await nextTask();
    expect(links).toEqual([]);
    expect(server.connections()).toBe(0);
    expect(atChild).toEqual([]);
    expect(refused[0]!.origin).toBe(STRANGER);
    expect(isStateSyncError(refused[0]!.error, 'origin_rejected')).toBe(true);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: `refused a connection from ${STRANGER}: not in allowedOrigins`,
        extra: { origin: STRANGER, name: 'statesync' },
      },
    ]);
  });

  it('takes a cross-origin child whose origin is listed', async () => {
    const { parent, links, refused } = parentWith({ allowedOrigins: [PARENT, FRIEND] });
    child(parent, FRIEND);
    await until(() => links.length === 1, 'the link');
    expect(refused).toEqual([]);
  });

  it("refuses '*', 'null' and anything that is not an exact origin", () => {
    const { window } = windowStandIn(PARENT);
    const attempt = (allowedOrigins: unknown) => () =>
      createWindowServerTransport({
        allowedOrigins: allowedOrigins as string[],
        window,
        logger: quiet,
      });
    const invalid = expect.objectContaining({ code: 'invalid_option' });
    expect(attempt(['*'])).toThrowError(/'\*' is not accepted/);
    expect(attempt([PARENT, '*'])).toThrowError(invalid);
    for (const bad of [
      'null',
      'https://app.example/',
      'https://app.example/path',
      'HTTPS://APP.EXAMPLE',
      'app.example',
      '',
      42,
    ]) {
      expect(attempt([bad]), String(bad)).toThrowError(invalid);
    }
    expect(attempt(['https://app.example:443'])).toThrowError(/as "https:\/\/app\.example"/);
    expect(attempt([])).toThrowError(/at least one origin/);
    expect(attempt(undefined)).toThrowError(invalid);
    // Origins of schemes URL does not know are taken as written.
    expect(attempt(['chrome-extension://abcdefghijklmnop'])).not.toThrow();
    expect(() =>
      createWindowServerTransport({ allowedOrigins: [PARENT], window: {} as never }),
    ).toThrowError(invalid);
  });

  it('leaves unrelated messages alone, ports included', async () => {
    const { parent, links, refused, lines } = parentWith();
    const { port1, port2 } = new MessageChannel();
    cleanups.push(() => port1.close());
    const from = parent.from(STRANGER);
    for (const message of ['hello', null, 42, { type: 'other' }, { statesync: true }, []]) {
      from.postMessage(message, PARENT);
    }
    from.postMessage({ type: 'resize', height: 10 }, PARENT, [port2]);
    let theirs: MessagePort | undefined;
    parent.window.addEventListener('message', (event) => {
      theirs ??= (event as MessageEvent).ports[0];
    });
    await until(() => theirs !== undefined, 'the unrelated port to arrive');
    // Their port still works: the transport did not touch it.
    const echoed = new Promise((resolve) => {
      port1.onmessage = (event) => resolve(event.data);
    });
    theirs!.postMessage('still open');
    expect(await echoed).toBe('still open');
    theirs!.close();
    expect(links).toEqual([]);
    expect(refused).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('ignores malformed connect messages, warning about them', async () => {
    const { parent, links, refused, lines } = parentWith();
    const from = parent.from(PARENT);
    const port = () => {
      const { port1, port2 } = new MessageChannel();
      cleanups.push(() => port1.close());
      return port2;
    };
    const connect = { type: 'statesync:connect', v: PROTOCOL_VERSION, name: 'statesync' };
    from.postMessage({ ...connect, v: 99 }, PARENT, [port()]);
    from.postMessage(connect, PARENT, []);
    from.postMessage(connect, PARENT, [port(), port()]);
    from.postMessage({ ...connect, lock: 7 }, PARENT, [port()]);
    await until(() => lines.length === 4, 'four warnings');
    expect(lines.map((line) => line.message)).toEqual([
      'ignored a malformed connect message: unsupported version 99',
      'ignored a malformed connect message: it must carry one MessagePort, not 0',
      'ignored a malformed connect message: it must carry one MessagePort, not 2',
      'ignored a malformed connect message: bad lock name',
    ]);
    expect(links).toEqual([]);
    expect(refused).toEqual([]);
  });

  it('pairs children with the server transport of their name', async () => {
    const parent = windowStandIn(PARENT);
    const accepted: string[] = [];
    for (const name of ['todo-app', 'chat-app']) {
      const server = createWindowServerTransport({
        allowedOrigins: [PARENT],
        window: parent.window,
        name,
        logger: quiet,
      });
      const stop = server.accept((link) => {
        accepted.push(name);
        cleanups.push(() => link.close());
      });
      cleanups.push(stop);
    }
    child(parent, PARENT, { name: 'chat-app' });
    child(parent, PARENT, { name: 'todo-app' });
    child(parent, PARENT, { name: 'nobody' });
    await until(() => accepted.length === 2, 'two links');
    for (let i = 0; i < 5; i++) await nextTask();
    expect(accepted).toEqual(['chat-app', 'todo-app']);
  });

  it('accepts for one authority at a time, and stops once told to', async () => {
    const { parent, server, links, stop } = parentWith();
    expect(() => server.accept(() => {})).toThrowError(/already accepts/);
    stop();
    stop();
    child(parent, PARENT);
    for (let i = 0; i < 5; i++) await nextTask();
    expect(links).toEqual([]);
  });

  it('drops the link of a child that vanished without a bye (its Web Lock is free)', async () => {
    const locks = lockStandIn();
    const { parent, server, links } = parentWith({ locks });
    const link = child(parent, PARENT, { locks });
    await until(() => links.length === 1, 'the link');
    const atParent: unknown[] = [];
    links[0]!.subscribe((message) => atParent.push(message));
    expect(locks.held.size).toBe(1);
    // The page goes away: its port and its lock with it, and no word from it.
    link.close();
    await until(() => server.connections() === 0, 'the link to be dropped');
    expect(atParent).toEqual([{ v: PROTOCOL_VERSION, type: 'bye' }]);
    expect(locks.held.size).toBe(0);
  });

  it('watches no lock with locks: null', async () => {
    const locks = lockStandIn();
    const { parent, server, links } = parentWith({ locks: null });
    const link = child(parent, PARENT, { locks });
    await until(() => links.length === 1, 'the link');
    link.close();
    for (let i = 0; i < 5; i++) await nextTask();
    expect(server.connections()).toBe(1);
    expect(locks.held.size).toBe(0);
  });

  it('does not watch a lock it cannot see held (another origin or partition)', async () => {
    const theirs = lockStandIn();
    const ours = lockStandIn();
    const { parent, server, links } = parentWith({ allowedOrigins: [PARENT, FRIEND], locks: ours });
    child(parent, FRIEND, { locks: theirs });
    await until(() => links.length === 1, 'the link');
    for (let i = 0; i < 5; i++) await nextTask();
    // Taking their lock here would succeed at once and drop a child that is still there.
    expect(server.connections()).toBe(1);
    expect(theirs.held.size).toBe(1);
    expect(ours.held.size).toBe(0);
  });
});

describe('createWindowClientTransport', () => {
  it('refuses a missing target, this window itself, and an inexact targetOrigin', () => {
    const { from } = windowStandIn(PARENT);
    const invalid = expect.objectContaining({ code: 'invalid_option' });
    const make = (target: unknown, targetOrigin: unknown) => () =>
      createWindowClientTransport({ target: target as never, targetOrigin: targetOrigin as never });
    expect(make(null, PARENT)).toThrowError(/window\.opener/);
    const self = globalThis as unknown as { postMessage?: unknown };
    self.postMessage = () => {};
    try {
      expect(make(globalThis, PARENT)).toThrowError(/this window itself/);
    } finally {
      delete self.postMessage;
    }
    expect(make(from(PARENT), '*')).toThrowError(/'\*' is not accepted/);
    expect(make(from(PARENT), 'https://app.example/')).toThrowError(invalid);
    expect(make(from(PARENT), undefined)).toThrowError(invalid);
  });

  it('lets go of its lock when closed before the lock was granted', async () => {
    const locks = lockStandIn();
    const { parent, links } = parentWith({ locks });
    const link = child(parent, PARENT, { locks });
    link.close();
    for (let i = 0; i < 5; i++) await nextTask();
    expect(locks.held.size).toBe(0);
    expect(links).toEqual([]);
  });
});

describe('shared apps over window links', () => {
  const apps: SharedApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.dispose()));
  });
  const start = (options: SharedAppOptions) => {
    const app = createSharedApp(options);
    apps.push(app);
    return app;
  };

  function authority(allowedOrigins: string[], locks?: ReturnType<typeof lockStandIn>) {
    const { parent, server, refused } = parentWith(
      { allowedOrigins, ...(locks && { locks }) },
      false,
    );
    const app = start({
      stores: [counter, todos],
      share: { name: 'frames', port: 'server', type: 'SharedWorker', transport: server },
      logger: quiet,
    });
    return { parent, server, refused, app };
  }

  function frame(transport: Transport, startTimeoutMs = 5000) {
    return start({
      stores: [counter, todos],
      share: { name: 'frames', port: 'client', type: 'SharedWorker', transport, startTimeoutMs },
      logger: quiet,
    });
  }

  it('a same-origin iframe and a listed cross-origin one share the parent authority', async () => {
    const { parent, server, app } = authority([PARENT, FRIEND]);
    const frames = [frame(child(parent, PARENT)), frame(child(parent, FRIEND))];
    await Promise.all(frames.map((f) => f.ready));
    expect(server.connections()).toBe(2);

    expect(await spawn(frames[0]!.store(counter), 'increase', [2])).toBe(2);
    expect(await spawn(frames[1]!.store(counter), 'increase', [3])).toBe(5);
    expect(await spawn(app.store(todos), 'add', ['from the parent'])).toBe(1);
    await until(
      () => frames.every((f) => f.store(todos).getState().items.length === 1),
      'the todo everywhere',
    );
    for (const f of frames) {
      expect(f.store(counter).getState()).toEqual(app.store(counter).getState());
      expect(f.store(todos).getState()).toEqual(app.store(todos).getState());
    }
    expect(app.store(counter).getState()).toEqual({ count: 5 });

    // A frame that leaves says bye: its link is closed on the parent.
    await frames[1]!.dispose();
    await until(() => server.connections() === 1, 'the link to close');
  });

  it('a frame of another origin is refused: its ready rejects, the parent is untouched', async () => {
    const { parent, server, refused, app } = authority([PARENT]);
    const stranger = frame(child(parent, STRANGER), 50);
    const ready = stranger.ready.then(
      () => 'ready',
      (error: unknown) => error,
    );
    const call = spawn(stranger.store(counter), 'increase', [100]).catch((error: unknown) => error);
    expect(await ready).toMatchObject({ code: 'timeout' });
    expect(await call).toMatchObject({ code: 'timeout' });
    expect(refused.map((r) => r.origin)).toEqual([STRANGER]);
    expect(server.connections()).toBe(0);
    expect(app.store(counter).getState()).toEqual({ count: 0 });
  });

  it('a detached window that vanishes is dropped through its lock', async () => {
    const locks = lockStandIn();
    const { parent, server, app } = authority([PARENT], locks);
    const transport = child(parent, PARENT, { locks });
    const popup = frame(transport);
    await popup.ready;
    await spawn(popup.store(counter), 'increase', [1]);
    expect(server.connections()).toBe(1);
    // The window closes: its port and lock go, and it says nothing.
    transport.close();
    await until(() => server.connections() === 0, 'the link to be dropped');
    expect(app.store(counter).getState()).toEqual({ count: 1 });
    // The authority goes on serving others.
    const next = frame(child(parent, PARENT, { locks }));
    await next.ready;
    expect(await spawn(next.store(counter), 'increase', [1])).toBe(2);
  });
});
