import { describe, expect, it } from 'vitest';
import {
  createAuthority,
  createRevisionSync,
  type InvalidationEvent,
  isStateSyncError,
  StateSyncError,
} from '../src/index.js';
import { createTestBus, createVirtualClock, type Faults } from '../src/testing.js';
import { recordingApplier } from './fixtures.js';

type Doc = { n: number };

function setup(seed: number, faults: Faults = {}) {
  const clock = createVirtualClock();
  const authority = createAuthority<Doc>({
    topic: 'doc',
    data: { n: 0 },
    epoch: 'e1',
    now: clock.now,
  });
  const bus = createTestBus({ authority, seed, faults, timers: clock });
  return { clock, authority, bus };
}

/** Connects `clients` links, records every delivery, makes `changes` changes, drains the bus. */
async function run(seed: number, faults: Faults, clients = 3, changes = 20) {
  const { clock, authority, bus } = setup(seed, faults);
  const log: string[] = [];
  for (let c = 0; c < clients; c++) {
    bus
      .connect()
      .subscriber.subscribe((event) => log.push(`c${c}:${event.revision}@${clock.now()}`));
  }
  for (let i = 1; i <= changes; i++) authority.set({ n: i });
  await clock.runAll();
  return { log, stats: { ...bus.stats } };
}

async function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

const request = (signal = new AbortController().signal) => ({ topic: 'doc', signal });
const lossy: Faults = { drop: 0.2, duplicate: 0.2, reorder: 0.3, delayMs: 40 };

describe('createTestBus', () => {
  it('replays the same schedule for the same seed', async () => {
    const first = await run(1234, lossy);
    const second = await run(1234, lossy);
    expect(second.log).toEqual(first.log);
    expect(second.stats).toEqual(first.stats);
    // The faults really happened, so the comparison means something.
    expect(first.stats.dropped).toBeGreaterThan(0);
    expect(first.stats.duplicated).toBeGreaterThan(0);
    expect(first.stats.reordered).toBeGreaterThan(0);
    expect(first.stats.sent).toBe(60);
  });

  it('gives another schedule for another seed', async () => {
    const a = await run(1, lossy);
    const b = await run(2, lossy);
    const c = await run(3, lossy);
    expect(b.log).not.toEqual(a.log);
    expect(c.log).not.toEqual(a.log);
    expect(c.log).not.toEqual(b.log);
  });

  it('delivers every event once, in order, without faults', async () => {
    const { log, stats } = await run(7, {}, 1, 3);
    expect(log).toEqual(['c0:1@0', 'c0:2@0', 'c0:3@0']);
    expect(stats).toMatchObject({ sent: 3, delivered: 3, dropped: 0, duplicated: 0, reordered: 0 });
  });

  it('delivers nothing with drop = 1', async () => {
    const { log, stats } = await run(7, { drop: 1 }, 2, 5);
    expect(log).toEqual([]);
    expect(stats).toMatchObject({ sent: 10, dropped: 10, delivered: 0 });
  });

  it('delivers every event twice with duplicate = 1', async () => {
    const { log, stats } = await run(7, { duplicate: 1 }, 1, 3);
    expect(log).toEqual(['c0:1@0', 'c0:1@0', 'c0:2@0', 'c0:2@0', 'c0:3@0', 'c0:3@0']);
    expect(stats).toMatchObject({ sent: 3, duplicated: 3, delivered: 6 });
  });

  it('hands each client its own copy of an event', async () => {
    const { clock, authority, bus } = setup(7);
    const received: InvalidationEvent[] = [];
    bus.connect().subscriber.subscribe((event) => received.push(event));
    bus.connect().subscriber.subscribe((event) => received.push(event));
    const sent = authority.set({ n: 1 });
    await clock.runAll();
    expect(received).toEqual([sent, sent]);
    expect(received[0]).not.toBe(sent);
    expect(received[0]).not.toBe(received[1]);
  });

  it('fails every pull with failPull = 1', async () => {
    const { clock, bus } = setup(7, { failPull: 1 });
    const pull = outcome(bus.connect().provider.getSnapshot(request()));
    await clock.runAll();
    expect((await pull).error).toBeInstanceOf(Error);
    expect(bus.stats).toMatchObject({ pulls: 1, failedPulls: 1 });
  });

  it('answers a pull with the snapshot at answer time, as a copy', async () => {
    const { clock, authority, bus } = setup(7, { delayMs: 100 });
    const pull = bus.connect().provider.getSnapshot(request());
    authority.set({ n: 5 });
    await clock.runAll();
    const snapshot = await pull;
    expect(snapshot).toEqual({ revision: '1', epoch: 'e1', data: { n: 5 } });
    expect(snapshot.data).not.toBe(authority.getData());
  });

  it('cancels a pull when its signal aborts, leaving no timer behind', async () => {
    const { clock, bus } = setup(7, { delayMs: 100, failPull: 1 });
    const controller = new AbortController();
    const pull = outcome(bus.connect().provider.getSnapshot(request(controller.signal)));
    expect(clock.pendingCount()).toBe(1);
    const reason = new StateSyncError('timeout', 'too slow');
    controller.abort(reason);
    expect((await pull).error).toBe(reason);
    expect(clock.pendingCount()).toBe(0);
    expect(bus.stats.failedPulls).toBe(0);
  });

  it('rejects a pull whose signal is already aborted', async () => {
    const { clock, bus } = setup(7);
    const controller = new AbortController();
    controller.abort(new StateSyncError('stopped', 'stopped'));
    const pull = outcome(bus.connect().provider.getSnapshot(request(controller.signal)));
    await clock.runAll();
    expect(isStateSyncError((await pull).error, 'stopped')).toBe(true);
  });

  it('stops injecting faults after heal()', async () => {
    const { clock, authority, bus } = setup(7, { drop: 1, failPull: 1 });
    const link = bus.connect();
    const revisions: string[] = [];
    link.subscriber.subscribe((event) => revisions.push(event.revision));
    authority.set({ n: 1 });
    bus.heal();
    authority.set({ n: 2 });
    const pull = outcome(link.provider.getSnapshot(request()));
    await clock.runAll();
    expect(revisions).toEqual(['2']);
    expect((await pull).value?.revision).toBe('2');
    bus.setFaults({ drop: 1 });
    authority.set({ n: 3 });
    await clock.runAll();
    expect(revisions).toEqual(['2']);
  });

  it('restartAuthority starts a new epoch from revision "0" and announces it', async () => {
    const { clock, authority, bus } = setup(7);
    const received: InvalidationEvent[] = [];
    bus.connect().subscriber.subscribe((event) => received.push(event));
    authority.set({ n: 1 });
    const event = bus.restartAuthority({ data: { n: 100 } });
    await clock.runAll();
    expect(event.epoch).not.toBe('e1');
    expect(event.revision).toBe('0');
    expect(authority.getSnapshot()).toEqual({
      revision: '0',
      epoch: event.epoch,
      data: { n: 100 },
    });
    expect(received.map((e) => `${e.revision}/${e.epoch === 'e1' ? 'old' : 'new'}`)).toEqual([
      '1/old',
      '0/new',
    ]);
    expect(bus.restartAuthority({ revision: '9' }).revision).toBe('9');
  });

  it('counts open subscriptions and drops deliveries to a client that left', async () => {
    const { clock, authority, bus } = setup(7, { delayMs: 10 });
    const received: string[] = [];
    const off = bus
      .connect()
      .subscriber.subscribe((event) => received.push(event.revision)) as () => void;
    const offOther = bus.connect().subscriber.subscribe(() => {}) as () => void;
    expect(bus.openCount()).toBe(2);
    authority.set({ n: 1 });
    off();
    await clock.runAll();
    expect(received).toEqual([]);
    offOther();
    expect(bus.openCount()).toBe(0);
  });

  it('dispose() detaches from the authority and drops every subscription', async () => {
    const { clock, authority, bus } = setup(9);
    const seen: string[] = [];
    bus.connect().subscriber.subscribe((event) => seen.push(event.revision));
    authority.set({ n: 1 });
    await clock.runAll();
    bus.dispose();
    bus.dispose();
    authority.set({ n: 2 });
    await clock.runAll();
    expect(seen).toEqual(['1']);
    expect(bus.openCount()).toBe(0);
    expect(bus.stats.sent).toBe(1);
  });

  it('lets a revision sync converge through faults once healed', async () => {
    const { clock, authority, bus } = setup(99, { ...lossy, failPull: 0.5 });
    const link = bus.connect();
    const record = recordingApplier<Doc>();
    const handle = createRevisionSync<Doc>({
      topic: 'doc',
      ...link,
      applier: record.applier,
      timers: clock,
      random: () => 0.5,
      retry: { maxAttempts: 10, initialDelayMs: 10 },
    });
    const starting = handle.start();
    for (let i = 1; i <= 30; i++) {
      authority.set({ n: i });
      await clock.advance(5);
    }
    await clock.runAll();
    await starting;
    bus.heal();
    authority.publish();
    await clock.runAll();
    expect(handle.getLocalRevision()).toBe('30');
    expect(record.applied.at(-1)?.data).toEqual({ n: 30 });
    expect(bus.stats.failedPulls).toBeGreaterThan(0);
    await handle.stop();
    expect(bus.openCount()).toBe(0);
  });
});
