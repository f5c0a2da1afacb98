// Optimistic actions: a client shows its own call at once and rolls back to the authority's
// answer. The link here holds calls on their way to the authority until a test releases them,
// so "before the answer" is a state of the test, not a race.
import { isStateSyncError, noopLogger, type Transport } from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSharedApp,
  defineStore,
  type ServerTransport,
  type SharedApp,
  type StoreHandle,
  spawn,
} from '../src/index.js';
import { createLocalLink, type Direction } from '../src/links/local-link.js';

const counter = defineStore({
  name: 'counter',
  state: () => ({ count: 0 }),
  actions: {
    increase(draft, by: number) {
      draft.count += by;
      return draft.count;
    },
    plainIncrease(draft, by: number) {
      draft.count += by;
    },
  },
  optimistic: ['increase'],
});

interface Todo {
  id: number;
  text: string;
  done: boolean;
}

const todos = defineStore({
  name: 'todos',
  state: () => ({ items: [] as Todo[], reserved: [] as string[], taken: [] as string[] }),
  actions: {
    add(draft, text: string) {
      const id = draft.items.length + 1;
      draft.items.push({ id, text, done: false });
      return id;
    },
    toggle(draft, id: number) {
      const item = draft.items.find((todo) => todo.id === id);
      if (!item) throw new RangeError(`no todo ${id}`);
      item.done = !item.done;
    },
    /** Not optimistic: a client learns of it from the authority only. */
    reserve(draft, name: string) {
      draft.reserved.push(name);
    },
    take(draft, name: string) {
      if (draft.reserved.includes(name) || draft.taken.includes(name)) {
        throw new Error(`${name} is not free`);
      }
      draft.taken.push(name);
    },
  },
  optimistic: ['add', 'toggle', 'take'],
});

/**
 * An authority's side whose links hold every `call` on its way to the authority while
 * `hold()` is on; `release(link?)` lets them through in the order they were sent.
 */
function gatedLinks(tamper?: (message: Record<string, unknown>) => void) {
  let acceptor: ((transport: Transport) => void) | undefined;
  const waiting: Transport[] = [];
  const held: { link: number; deliver: () => void }[] = [];
  /** Every invalidation delivered to a client, by link. */
  const invalidations: { link: number; message: Record<string, unknown> }[] = [];
  let holding = false;
  let links = 0;
  const server: ServerTransport = {
    accept(onConnection) {
      acceptor = onConnection;
      for (const transport of waiting.splice(0)) onConnection(transport);
      return () => {
        acceptor = undefined;
      };
    },
  };
  return {
    server,
    connect(): Transport {
      const link = links++;
      const local = createLocalLink({
        route(message: unknown, direction: Direction, deliver: () => void) {
          const type = (message as { type?: unknown }).type;
          if (direction === 'to-client' && type === 'invalidate') {
            invalidations.push({ link, message: message as Record<string, unknown> });
            tamper?.(message as Record<string, unknown>);
          }
          if (holding && direction === 'to-server' && type === 'call') held.push({ link, deliver });
          else queueMicrotask(deliver);
        },
      });
      if (acceptor) acceptor(local.server);
      else waiting.push(local.server);
      return local.client;
    },
    invalidations,
    hold() {
      holding = true;
    },
    held: () => held.length,
    /** Delivers the held calls of `link` (all links when absent), and holds no more. */
    release(link?: number) {
      const now = held.filter((call) => link === undefined || call.link === link);
      for (const call of now) held.splice(held.indexOf(call), 1);
      if (held.length === 0) holding = false;
      for (const call of now) call.deliver();
    },
  };
}

const apps: SharedApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.dispose()));
});

async function start(
  clients: number,
  name = 'optimistic-test',
  tamper?: (message: Record<string, unknown>) => void,
) {
  const gate = gatedLinks(tamper);
  const options = { stores: [counter, todos], logger: noopLogger, development: true };
  const server = createSharedApp({
    ...options,
    share: { name, port: 'server', type: 'SharedWorker', transport: gate.server },
  });
  apps.push(server);
  await server.ready;
  const list = Array.from({ length: clients }, () => {
    const app = createSharedApp({
      ...options,
      share: { name, port: 'client', type: 'SharedWorker', transport: gate.connect() },
    });
    apps.push(app);
    return app;
  });
  await Promise.all(list.map((app) => app.ready));
  return { gate, server, clients: list };
}

/** Every state `handle` shows from now on, in order. */
function history<S>(handle: StoreHandle & { getState(): S }) {
  const seen: S[] = [];
  handle.subscribe((state) => seen.push(state as S));
  return seen;
}

const settled = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

/** Lets the links deliver what is under way (microtask hops, no timers). */
async function drain(rounds = 50) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('defineStore optimistic', () => {
  it('lists actions of the store, typed; anything else is invalid_option', () => {
    expect(counter.optimistic).toEqual(['increase']);
    expect(Object.isFrozen(counter.optimistic)).toBe(true);
    const plain = defineStore({ name: 'plain', state: () => ({}), actions: { go() {} } });
    expect(plain.optimistic).toBeUndefined();
    const bad = (optimistic: unknown) => () =>
      defineStore({
        name: 'bad',
        state: () => ({}),
        actions: { go() {} },
        optimistic: optimistic as ['go'],
      });
    for (const wrong of [['stop'], ['toString'], 'go', [1], [null]]) {
      expect(bad(wrong)).toThrow(
        expect.objectContaining({
          code: 'invalid_option',
          message: expect.stringContaining('optimistic'),
        }),
      );
    }
    expect(bad([])).not.toThrow();
    // Type-level only: never called.
    const typed = () =>
      defineStore({
        name: 'typed',
        state: () => ({ n: 0 }),
        actions: { go() {} },
        // @ts-expect-error not an action of this store
        optimistic: ['stop'],
      });
    expect(typeof typed).toBe('function');
  });
});

describe('optimistic actions on a client', () => {
  it('show in the calling window at once and stay shown, counted once, until the answer', async () => {
    const { gate, server, clients } = await start(2);
    const [first, second] = clients as [SharedApp, SharedApp];
    const mine = first.store(counter);
    const seen = history(mine);
    const theirs = history(second.store(counter));
    gate.hold();
    const call = spawn(mine, 'increase', [5]);
    // Synchronously after the call: the guess, in the calling window only.
    expect(mine.getState()).toEqual({ count: 5 });
    expect(second.store(counter).getState()).toEqual({ count: 0 });
    expect(server.store(counter).getState()).toEqual({ count: 0 });
    // Not optimistic: nothing until the authority answers.
    const plain = spawn(mine, 'plainIncrease', [1]);
    expect(mine.getState()).toEqual({ count: 5 });
    await drain(5);
    expect(gate.held()).toBe(2);
    gate.release();
    expect(await call).toBe(5);
    await plain;
    expect(mine.getState()).toEqual({ count: 6 });
    await drain();
    // The guess and the confirmed state agree: never counted twice, never rolled back.
    expect(seen.map((state) => state.count)).toEqual([5, 6]);
    // The other window hears of both calls at once (one change) or one by one.
    expect(theirs.at(-1)?.count).toBe(6);
    expect(theirs.every((state) => state.count === 5 || state.count === 6)).toBe(true);
    expect(second.store(counter).getState()).toEqual({ count: 6 });
  });

  it('two overlapping calls of one client show in call order and land so', async () => {
    const { gate, server, clients } = await start(1);
    const list = clients[0]!.store(todos);
    const seen = history(list);
    gate.hold();
    const a = list.actions.add('a');
    const b = list.actions.add('b');
    expect(list.getState().items).toEqual([
      { id: 1, text: 'a', done: false },
      { id: 2, text: 'b', done: false },
    ]);
    // A third, toggling the second guess: run on top of both.
    const toggled = list.actions.toggle(2);
    expect(list.getState().items[1]!.done).toBe(true);
    gate.release();
    expect(await a).toBe(1);
    expect(await b).toBe(2);
    await toggled;
    await drain();
    const want = [
      { id: 1, text: 'a', done: false },
      { id: 2, text: 'b', done: true },
    ];
    expect(list.getState().items).toEqual(want);
    expect(server.store(todos).getState().items).toEqual(want);
    // What was shown only grew: each item once, never a third.
    for (const state of seen) {
      expect(state.items.length).toBeLessThanOrEqual(2);
      expect(state.items.map((item) => item.text)).toEqual(['a', 'b'].slice(0, state.items.length));
    }
    expect(seen.at(-1)).toEqual(list.getState());
  });

  it('a call of another client landing first: the guess is run again on top of it', async () => {
    const { gate, server, clients } = await start(2);
    const [first, second] = clients as [SharedApp, SharedApp];
    const mine = first.store(todos);
    const seen = history(mine);
    gate.hold();
    const a = mine.actions.add('a');
    const b = second.store(todos).actions.add('b');
    expect(mine.getState().items).toEqual([{ id: 1, text: 'a', done: false }]);
    expect(second.store(todos).getState().items).toEqual([{ id: 1, text: 'b', done: false }]);
    // The second client's call reaches the authority first.
    gate.release(1);
    expect(await b).toBe(1);
    await drain();
    // The first client shows the authority's change with its own guess rebased on it.
    expect(mine.getState().items).toEqual([
      { id: 1, text: 'b', done: false },
      { id: 2, text: 'a', done: false },
    ]);
    gate.release(0);
    expect(await a).toBe(2);
    await drain();
    const want = [
      { id: 1, text: 'b', done: false },
      { id: 2, text: 'a', done: false },
    ];
    expect(server.store(todos).getState().items).toEqual(want);
    expect(mine.getState().items).toEqual(want);
    expect(second.store(todos).getState().items).toEqual(want);
    for (const state of seen) {
      expect(state.items.filter((item) => item.text === 'a')).toHaveLength(1);
    }
  });

  it('a call the authority rejects is rolled back before its caller hears of it', async () => {
    const { gate, server, clients } = await start(2);
    const [first, second] = clients as [SharedApp, SharedApp];
    const mine = first.store(todos);
    const seen = history(mine);
    gate.hold();
    // The authority runs the reservation first: the guess of `take` is wrong.
    const reserved = mine.actions.reserve('x');
    const take = mine.actions.take('x');
    expect(mine.getState()).toMatchObject({ reserved: [], taken: ['x'] });
    const shownWhenRejected = take.catch((error: unknown) => {
      expect(isStateSyncError(error, 'remote')).toBe(true);
      return mine.getState();
    });
    gate.release();
    await reserved;
    expect(await shownWhenRejected).toMatchObject({ reserved: ['x'], taken: [] });
    await drain();
    for (const app of [first, second, server]) {
      expect(app.store(todos).getState()).toMatchObject({ reserved: ['x'], taken: [] });
    }
    // The guess was shown, then only what the authority holds.
    expect(seen[0]).toMatchObject({ taken: ['x'] });
    expect(seen.at(-1)).toMatchObject({ reserved: ['x'], taken: [] });
    expect(second.store(todos).getState()).toEqual(mine.getState());
  });

  it('a local run that throws shows nothing, and the call still goes to the authority', async () => {
    const { gate, clients } = await start(2);
    const [first, second] = clients as [SharedApp, SharedApp];
    gate.hold();
    const added = second.store(todos).actions.add('theirs');
    // This client does not have todo 1 yet: its guess throws; the authority has it by then.
    const toggled = first.store(todos).actions.toggle(1);
    expect(first.store(todos).getState().items).toEqual([]);
    gate.release(1);
    await added;
    gate.release(0);
    await toggled;
    expect(first.store(todos).getState().items).toEqual([{ id: 1, text: 'theirs', done: true }]);
  });

  it('the authority names an optimistic call to its caller alone, in the change that holds it', async () => {
    const { gate, clients } = await start(2);
    const [first, second] = clients as [SharedApp, SharedApp];
    gate.invalidations.length = 0;
    await first.store(counter).actions.increase(1);
    await first.store(counter).actions.plainIncrease(1);
    await drain();
    const byLink = (link: number) =>
      gate.invalidations.filter((seen) => seen.link === link).map((seen) => seen.message.applied);
    const [named, plain] = byLink(0);
    expect(named).toEqual([expect.stringMatching(/-c\d+$/)]);
    expect(plain).toBeUndefined();
    expect(byLink(1)).toEqual([undefined, undefined]);
    expect(second.store(counter).getState().count).toBe(2);
  });

  it('a right guess re-renders nothing: the confirmed state keeps what it got right', async () => {
    const { gate, clients } = await start(1);
    const list = clients[0]!.store(todos);
    gate.hold();
    const added = list.actions.add('same');
    const guessed = list.getState();
    const seen = history(list);
    gate.release();
    await added;
    await drain();
    // The authority's state replaced the guess without a change a listener could see.
    expect(list.getState()).toBe(guessed);
    expect(seen).toEqual([]);
  });

  it('applied ids that are not calls of this client are ignored; the answer still lands the guess', async () => {
    for (const forged of ['bogus', [42, null], ['someone-else-c1']]) {
      const { gate, clients } = await start(1, `optimistic-forged-${String(forged)}`, (message) => {
        if ('applied' in message) message.applied = forged;
      });
      const mine = clients[0]!.store(counter);
      const seen = history(mine);
      gate.hold();
      const call = mine.actions.increase(3);
      expect(mine.getState().count).toBe(3);
      gate.release();
      expect(await call).toBe(3);
      await drain();
      expect(mine.getState().count).toBe(3);
      // The change and the answer are one message apart: never more than the one call.
      expect(seen.every((state) => state.count <= 6)).toBe(true);
      expect(seen.at(-1)?.count).toBe(3);
      await Promise.all(apps.splice(0).map((app) => app.dispose()));
    }
  });

  it('a guess is frozen in development, as every state a mirror shows', async () => {
    const { gate, clients } = await start(1);
    const mine = clients[0]!.store(todos);
    gate.hold();
    const added = mine.actions.add('frozen');
    expect(mine.getState().items).toHaveLength(1);
    expect(Object.isFrozen(mine.getState().items[0])).toBe(true);
    gate.release();
    await added;
  });

  it('a call that times out is rolled back', async () => {
    const gate = gatedLinks();
    const name = 'optimistic-timeout';
    const options = { stores: [counter], logger: noopLogger };
    const server = createSharedApp({
      ...options,
      share: { name, port: 'server', type: 'SharedWorker', transport: gate.server },
    });
    const client = createSharedApp({
      ...options,
      callTimeoutMs: 200,
      share: { name, port: 'client', type: 'SharedWorker', transport: gate.connect() },
    });
    apps.push(server, client);
    await client.ready;
    gate.hold();
    const call = settled(spawn(client.store(counter), 'increase', [1]));
    expect(client.store(counter).getState().count).toBe(1);
    const outcome = await call;
    expect(isStateSyncError((outcome as { error: unknown }).error, 'timeout')).toBe(true);
    expect(client.store(counter).getState().count).toBe(0);
  });

  it('harmless where the authority runs: on its own handle and in Local mode', async () => {
    const { server } = await start(0, 'optimistic-authority');
    expect(await server.store(counter).actions.increase(2)).toBe(2);
    const local = createSharedApp({
      stores: [counter],
      logger: noopLogger,
      share: { name: 'optimistic-local', type: 'Local' },
    });
    apps.push(local);
    await local.ready;
    const handle = local.store(counter);
    const seen = history(handle);
    expect(await handle.actions.increase(3)).toBe(3);
    await drain(5);
    expect(seen.map((state) => state.count)).toEqual([3]);
  });
});

describe('optimistic actions across a change of authority', () => {
  it('a guess outlives its link: the call is sent again and counted once', async () => {
    // SharedTab tabs in one process: the leader leaves with a guess of a follower in flight.
    const name = `optimistic-tabs-${Date.now()}`;
    const open = () => {
      const app = createSharedApp({
        stores: [counter],
        logger: noopLogger,
        share: { name, type: 'SharedTab' },
      });
      apps.push(app);
      return app;
    };
    const tabs = [open(), open(), open()];
    await Promise.all(tabs.map((app) => app.ready));
    const leader = tabs.find((app) => app.role === 'leader')!;
    const followers = tabs.filter((app) => app !== leader);
    const mine = followers[0]!.store(counter);
    const seen = history(mine);
    const call = mine.actions.increase(7);
    expect(mine.getState().count).toBe(7);
    await leader.dispose();
    expect(await call).toBe(7);
    const deadline = Date.now() + 8_000;
    while (
      !followers.every(
        (app) => app.status.getState().connected && app.store(counter).getState().count === 7,
      )
    ) {
      if (Date.now() > deadline) throw new Error('the tabs did not settle on a new leader');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await drain();
    // Never shown twice (14), and the new authority counted it once.
    expect(seen.map((state) => state.count).filter((count) => count !== 7)).toEqual([]);
    expect(seen.at(-1)?.count).toBe(7);
    for (const app of followers) expect(app.store(counter).getState().count).toBe(7);
  });
});
