// The election without Web Locks, on a virtual clock with a hub whose deliveries take as long
// as each test says: late claims and late beats are replayed exactly, not hoped for.
import { randomId, type Timers } from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { describe, expect, it } from 'vitest';
import { createTabHub, type TabHub, type TabSignal } from '../src/links/tab-hub.js';
import { BEAT_MS, CLAIM_MS, SILENCE_MS, startTabElection } from '../src/modes/tab-election.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Waits, a task at a time and at most 200 tasks, until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(condition()).toBe(true);
}

function createWorld(delay: (kind: TabSignal) => number) {
  let now = 0;
  let sequence = 0;
  const due: { at: number; order: number; run: () => void }[] = [];
  const at = (ms: number, run: () => void) => {
    const entry = { at: now + ms, order: sequence++, run };
    due.push(entry);
    return entry;
  };
  const timers: Timers = {
    setTimeout: (callback, ms) => at(ms, callback),
    clearTimeout: (handle) => {
      const index = due.indexOf(handle as (typeof due)[number]);
      if (index >= 0) due.splice(index, 1);
    },
    now: () => now,
  };
  const handlers = new Map<string, Map<TabSignal, ((body: unknown, from: string) => void)[]>>();

  const hub = (id: string): TabHub => {
    handlers.set(id, new Map());
    return {
      id,
      signal(kind, body, to) {
        for (const [other, kinds] of handlers) {
          if (other === id || (to !== undefined && to !== other)) continue;
          at(delay(kind), () => {
            for (const handler of kinds.get(kind) ?? []) handler(body, id);
          });
        }
      },
      on(kind, handler) {
        const kinds = handlers.get(id)!;
        kinds.set(kind, [...(kinds.get(kind) ?? []), handler]);
        return () =>
          kinds.set(
            kind,
            kinds.get(kind)!.filter((h) => h !== handler),
          );
      },
      link: () => {
        throw new Error('not used by the election');
      },
      serve: () => {
        throw new Error('not used by the election');
      },
      close() {},
    };
  };

  /** Runs everything due up to `ms` from now, in time order (bounded by the clock). */
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      due.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = due[0];
      if (!next || next.at > end) break;
      due.shift();
      now = next.at;
      next.run();
    }
    now = end;
  };

  return { timers, hub, advance };
}

function tab(
  world: ReturnType<typeof createWorld>,
  id: string,
  { canStepDown = true }: { canStepDown?: boolean } = {},
) {
  const state = { leading: false, deposedBy: [] as string[] };
  const stop = startTabElection({
    lock: 'unused',
    locks: undefined,
    hub: world.hub(id),
    timers: world.timers,
    logger: quiet,
    onElected: () => {
      state.leading = true;
    },
    onDeposed: (by) => {
      state.deposedBy.push(by);
      if (canStepDown) state.leading = false;
      return canStepDown;
    },
  });
  return Object.assign(state, { stop });
}

describe('the election by heartbeats', () => {
  it('elects the lowest id when every message is prompt', () => {
    const world = createWorld(() => 1);
    const tabs = ['c', 'a', 'b'].map((id) => tab(world, id));
    world.advance(SILENCE_MS + 2 * BEAT_MS + CLAIM_MS);
    expect(tabs.map((t) => t.leading)).toEqual([false, true, false]);
    expect(tabs.flatMap((t) => t.deposedBy)).toEqual([]);
  });

  it('counts a claim heard just before this tab opened its own round', () => {
    // The beats of the winner are slow: only the remembered claim stops "b" from winning too.
    const world = createWorld((kind) => (kind === 'beat' ? CLAIM_MS + 50 : 1));
    const a = tab(world, 'a');
    world.advance(10);
    const b = tab(world, 'b');
    world.advance(SILENCE_MS + 2 * BEAT_MS + CLAIM_MS);
    expect([a.leading, b.leading]).toEqual([true, false]);
    expect(b.deposedBy).toEqual([]);
  });

  it('two tabs elected in one round: the higher id steps down once it hears the lower', () => {
    const world = createWorld(() => CLAIM_MS + 50);
    const b = tab(world, 'b');
    const a = tab(world, 'a');
    // Both claim at once and neither hears the other's claim within its round.
    world.advance(SILENCE_MS + CLAIM_MS + 10);
    expect([a.leading, b.leading]).toEqual([true, true]);
    world.advance(2 * BEAT_MS);
    expect([a.leading, b.leading]).toEqual([true, false]);
    expect(b.deposedBy).toEqual(['a']);
    expect(a.deposedBy).toEqual([]);
    // The deposed tab stays a follower while the leader beats.
    world.advance(10 * SILENCE_MS);
    expect([a.leading, b.leading]).toEqual([true, false]);
  });

  it('a leader that already serves keeps office when told it was deposed', () => {
    const world = createWorld(() => CLAIM_MS + 50);
    const b = tab(world, 'b', { canStepDown: false });
    const a = tab(world, 'a');
    world.advance(SILENCE_MS + 3 * BEAT_MS + CLAIM_MS);
    expect([a.leading, b.leading]).toEqual([true, true]);
    expect(b.deposedBy.length).toBeGreaterThan(0);
  });

  it('a resigning leader is followed by a new election', () => {
    const world = createWorld(() => 1);
    const a = tab(world, 'a');
    const b = tab(world, 'b');
    world.advance(SILENCE_MS + 2 * BEAT_MS + CLAIM_MS);
    expect([a.leading, b.leading]).toEqual([true, false]);
    a.stop();
    world.advance(2 * BEAT_MS + CLAIM_MS);
    expect(b.leading).toBe(true);
  });
});

describe('stepping down over a real hub (Node BroadcastChannel)', () => {
  // The hub may be closed before the election stops (a page going away tears down in any
  // order); the leader's resignation must not throw `stopped` out of its stop().
  for (const order of ['hub closed first', 'election stopped first'] as const) {
    it(`a leader's stop() does not throw when ${order}`, async () => {
      const clock = createVirtualClock();
      const channel = `election-${randomId()}`;
      const hub = createTabHub({ channel, id: 'a', logger: quiet });
      const listener = createTabHub({ channel, id: 'b', logger: quiet });
      const heard: unknown[] = [];
      const off = listener.on('beat', (body) => heard.push(body));
      let elected = false;
      const stop = startTabElection({
        lock: 'unused',
        locks: undefined,
        hub,
        timers: clock,
        logger: quiet,
        onElected: () => {
          elected = true;
        },
        onDeposed: () => true,
      });
      await clock.advance(SILENCE_MS + 2 * BEAT_MS + CLAIM_MS);
      expect(elected).toBe(true);
      if (order === 'hub closed first') {
        hub.close();
        expect(() => stop()).not.toThrow();
      } else {
        expect(() => stop()).not.toThrow();
        hub.close();
        // The other tabs hear the resignation at once, so they need not wait a silence.
        await until(() => heard.some((body) => (body as { resigned?: boolean })?.resigned));
      }
      // No timer of the election is left behind either way.
      expect(clock.pendingCount()).toBe(0);
      off();
      listener.close();
    });
  }
});
