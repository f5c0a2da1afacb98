/**
 * Chaos schedules for the shared app: one authority app and several client apps over the
 * fault-injecting transport hub on a virtual clock, clients calling actions while the hub drops,
 * duplicates, reorders and delays, and forged messages arrive on the clients' links. Each
 * schedule is drawn from (seed, index) alone. Invariants: once traffic stops every client's
 * mirror equals the authority (revision, epoch and state); no mirror goes back to an older
 * revision within an epoch; no forged data reaches a mirror; every call settles. The authority
 * may restart (a new epoch): clients link again through their connector.
 */
import { compareRevisions, noopLogger, PROTOCOL_VERSION, type Transport } from '@statesync/core';
import { createRandom, createVirtualClock } from '@statesync/core/testing';
import {
  type ChaosCounts,
  emptyCounts,
  forgeries,
  MARK,
  scheduleSeed,
} from '../../../core/test/chaos/forgeries.js';
import { internalsOf } from '../../src/app/internals.js';
import { createSharedApp, type SharedApp, spawn } from '../../src/index.js';
import { createTransportHub, type TransportHub } from '../../src/testing.js';
import { topicOf } from '../../src/wire/names.js';
import { counter, todos } from '../stores.js';

const STORES = [counter, todos] as const;
const NAME = 'chaos';

/**
 * A client's links to the authority: a connector that opens a new hub link each time the client
 * connects, a way to make forged messages arrive on the current link, and a way to tell the
 * client its link was lost (the authority restarted).
 */
function clientLinks(hub: TransportHub, numbers: { next: number }) {
  const listeners = new Set<(message: unknown) => void>();
  let lost: ((reason: string) => void) | undefined;
  const links = {
    /** The hub's number of the current link, as its traffic is tapped. */
    number: -1,
    connector: {
      connect(onLost: (reason: string) => void): Transport {
        lost = onLost;
        listeners.clear();
        links.number = numbers.next++;
        const transport = hub.connect();
        return {
          send: (message) => transport.send(message),
          subscribe(listener) {
            listeners.add(listener);
            const stop = transport.subscribe(listener);
            return () => {
              listeners.delete(listener);
              stop();
            };
          },
          close: () => transport.close(),
        };
      },
    },
    forge(message: unknown) {
      for (const listener of [...listeners]) listener(message);
    },
    lose: (reason: string) => lost?.(reason),
  };
  return links;
}

const hasMark = (value: unknown) =>
  JSON.stringify(value).includes(MARK) || MARK in Object.prototype;

/** Plays schedule `index` of `seed` and checks the invariants. */
let warm: Promise<void> | undefined;
/**
 * A client app loads its mode's code and the link's engine with a dynamic import, in real time,
 * the first time a page starts one: load them once, before any schedule waits on its virtual
 * clock for a client to be ready. (A client has them loaded once it subscribes to its link.)
 */
function warmUp(): Promise<void> {
  warm ??= (async () => {
    let linking = () => {};
    const subscribed = new Promise<void>((resolve) => {
      linking = resolve;
    });
    const link = {
      send() {},
      subscribe() {
        linking();
        return () => {};
      },
      close() {},
    };
    const app = createSharedApp({
      logger: noopLogger,
      stores: STORES,
      share: {
        name: 'warm-up',
        port: 'client',
        type: 'SharedWorker',
        connector: { connect: () => link },
      },
    });
    await subscribed;
    await app.dispose();
    await app.ready.catch(() => {});
  })();
  return warm;
}

export async function playAppSchedule(
  seed: number,
  index: number,
  options: { flagged?: boolean } = {},
): Promise<{ counts: ChaosCounts; failures: string[] }> {
  await warmUp();
  const random = createRandom(scheduleSeed(seed, index) ^ 0x27d4eb2f);
  const pick = (n: number) => Math.floor(random() * n);
  const clock = createVirtualClock();
  const hub = createTransportHub({
    seed: scheduleSeed(seed, index),
    timers: clock,
    faults: {
      drop: random() * 0.4,
      duplicate: random() * 0.3,
      reorder: random() * 0.3,
      delayMs: pick(20),
    },
  });
  const counts = emptyCounts();
  const failures: string[] = [];
  const common = { logger: noopLogger, timers: clock, callTimeoutMs: 5_000 };
  // Ready once its code is loaded (a dynamic import, in real time), before any client waits on
  // the virtual clock for its welcome.
  const startServer = async () => {
    const app = createSharedApp({
      ...common,
      stores: STORES,
      share: { name: NAME, port: 'server', type: 'SharedWorker', transport: hub.server },
    });
    await app.ready;
    return app;
  };
  let server = await startServer();
  /** Pull ids each link sent and no answer came for yet, as a forger on the link would see. */
  const pulls = new Map<number, string[]>();
  hub.tap(({ link, direction, message }) => {
    const m = message as { type?: unknown; id?: unknown };
    if (typeof m?.id !== 'string') return;
    const open = pulls.get(link) ?? [];
    pulls.set(link, open);
    if (direction === 'to-server' && m.type === 'pull') open.push(m.id);
    if (direction === 'to-client' && m.type === 'snapshot') open.splice(open.indexOf(m.id), 1);
  });

  const numbers = { next: 0 };
  const clients = Array.from({ length: 2 + pick(3) }, (_, i) => {
    const link = clientLinks(hub, numbers);
    const app = createSharedApp({
      ...common,
      stores: STORES,
      share: { name: NAME, port: 'client', type: 'SharedWorker', connector: link.connector },
    });
    return { app, link, index: i };
  });
  await until(clock, Promise.all(clients.map(({ app }) => app.ready)));

  // Every change a mirror makes is checked as it happens.
  for (const { app, index: i } of clients) {
    for (const definition of STORES) {
      const store = app.store(definition);
      const highest = new Map<string | undefined, string>();
      store.status.subscribe((status) => {
        const { localRevision: revision, epoch } = status;
        if (revision === undefined) return;
        const before = highest.get(epoch);
        if (before !== undefined && compareRevisions(revision, before) < 0) {
          counts.regressions++;
          failures.push(`client ${i} ${definition.name}: ${revision} after ${before} in ${epoch}`);
        }
        highest.set(epoch, revision);
      });
      store.subscribe((state) => {
        if (!hasMark(state)) return;
        counts.forgedApplied++;
        failures.push(`client ${i} ${definition.name}: forged data in the mirror`);
      });
    }
  }

  const calls: Promise<unknown>[] = [];
  let increments = 0;
  const steps = 6 + pick(8);
  for (let step = 0; step < steps; step++) {
    const roll = random();
    const client = clients[pick(clients.length)]!;
    if (roll < 0.5) {
      if (random() < 0.5) {
        increments++;
        calls.push(spawn(client.app.store(counter), 'increase', [1]));
      } else {
        calls.push(spawn(client.app.store(todos), 'add', [`t${step}`]));
      }
    } else if (roll < 0.7) {
      counts.forgedSent++;
      client.link.forge(forge(server, client.link.number, pulls, options.flagged === true, random));
    } else if (roll < 0.76) {
      // The authority restarts (a new epoch, its state from the start): the clients lose their
      // links, connect again and re-send the calls under way.
      counts.restarts++;
      await until(clock, server.dispose());
      server = await startServer();
      for (const { link } of clients) link.lose('the authority restarted');
    } else {
      await clock.advance(pick(60));
    }
  }
  const settled = await until(clock, Promise.allSettled(calls));
  for (const outcome of settled ?? []) {
    if (outcome.status === 'rejected') {
      counts.stalls++;
      failures.push(`a call failed: ${String(outcome.reason)}`);
    }
  }
  if (settled === undefined) failures.push('calls still pending once traffic stopped');

  // Traffic stops: no more faults; the authority announces every store again.
  hub.heal();
  internalsOf(server)?.republish();
  await clock.runAll(50_000);
  for (const { app, index: i } of clients) {
    for (const definition of STORES) {
      const mirror = app.store(definition);
      const truth = server.store(definition);
      const at = mirror.status.getState();
      const want = truth.status.getState();
      if (
        at.localRevision !== want.localRevision ||
        at.epoch !== want.epoch ||
        JSON.stringify(mirror.getState()) !== JSON.stringify(truth.getState())
      ) {
        counts.divergences++;
        failures.push(
          `client ${i} ${definition.name}: at ${at.localRevision ?? '-'}, authority at ${want.localRevision}`,
        );
      }
    }
  }
  // Every call applied exactly once, when the authority kept its state throughout.
  const count = server.store(counter).getState().count;
  if (counts.restarts === 0 && count !== increments) {
    failures.push(`counter at ${count} after ${increments} increments`);
  }

  await until(
    clock,
    Promise.all([...clients.map(({ app }) => app), server].map((a) => a.dispose())),
  );
  hub.dispose();
  Object.assign(counts, {
    schedules: 1,
    messages: hub.stats.sent,
    dropped: hub.stats.dropped,
    duplicated: hub.stats.duplicated,
    reordered: hub.stats.reordered,
  });
  return { counts, failures };
}

/** One forged message for client `link`: an invalidation of a store, or an answer nobody asked. */
function forge(
  server: SharedApp,
  link: number,
  pulls: Map<number, string[]>,
  flagged: boolean,
  random: () => number,
): unknown {
  const kinds = forgeries(flagged);
  const definition = STORES[Math.floor(random() * STORES.length)]!;
  const status = server.store(definition).status.getState();
  const seen = {
    topic: topicOf(NAME, definition.name),
    revision: status.localRevision ?? '0',
    epoch: status.epoch,
  };
  const roll = random();
  if (roll < 0.6) {
    const body = kinds[Math.floor(random() * kinds.length)]!(seen, random);
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? { v: PROTOCOL_VERSION, type: 'invalidate', ...body }
      : body;
  }
  if (roll < 0.75) {
    // The result of a call nobody made.
    return { v: PROTOCOL_VERSION, type: 'result', id: `forged-${link}`, ...seen, value: MARK };
  }
  // A snapshot nobody pulled, or, with the flagged forgeries, one without usable data for a
  // pull under way.
  const pending = pulls.get(link)?.at(-1);
  return flagged && pending !== undefined
    ? noData({ v: PROTOCOL_VERSION, type: 'snapshot', id: pending, ...seen }, random)
    : { v: PROTOCOL_VERSION, type: 'snapshot', id: `forged-${link}`, ...seen, data: { [MARK]: 1 } };
}

function noData(message: Record<string, unknown>, random: () => number): unknown {
  const roll = random();
  if (roll < 0.34) return message;
  return { ...message, data: roll < 0.67 ? null : MARK };
}

/**
 * Moves the virtual clock until `promise` settles, in bounded steps; resolves with its value,
 * or undefined when it did not settle within the bound (a hang).
 */
async function until<T>(
  clock: ReturnType<typeof createVirtualClock>,
  promise: Promise<T>,
): Promise<T | undefined> {
  let done = false;
  let value: T | undefined;
  void promise.then(
    (result) => {
      done = true;
      value = result;
    },
    () => {
      done = true;
    },
  );
  for (let round = 0; round < 400 && !done; round++) await clock.advance(25);
  return value;
}
