// SharedTab mode in Node: "tabs" are apps in one process over Node's real BroadcastChannel.
// Node has no Web Locks, so these tests cover the fallback election by heartbeats; the Web
// Locks election is tested in Chromium (e2e/shared-tab.test.ts).
import type { SyncStatus } from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSharedApp,
  defineStore,
  type SharedApp,
  type SharedStorage,
  spawn,
} from '../src/index.js';
import { createTabHub } from '../src/links/tab-hub.js';
import { RECOVER_MS } from '../src/modes/shared-tab.js';
import { BEAT_MS } from '../src/modes/tab-election.js';
import { linkName } from '../src/wire/names.js';
import { counter } from './stores.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const apps: SharedApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.dispose()));
});

let appNumber = 0;
function tabs(count: number, extra: { storage?: SharedStorage; version?: string } = {}) {
  const name = `tab-test-${++appNumber}`;
  const open = (options = extra) => {
    const app = createSharedApp({
      stores: [journal, counter],
      share: { name, type: 'SharedTab', ...options },
      logger: quiet,
    });
    apps.push(app);
    return app;
  };
  return { open, all: Array.from({ length: count }, () => open()) };
}

/** Every call id applied, in order: a call applied twice shows up twice. */
const journal = defineStore({
  name: 'journal',
  state: () => ({ applied: [] as string[] }),
  actions: {
    record(draft, id: string) {
      draft.applied.push(id);
      return draft.applied.length;
    },
  },
});

const leaders = (list: SharedApp[]) => list.filter((app) => app.role === 'leader');

async function until(check: () => boolean, what: string, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SharedTab mode without Web Locks', () => {
  it('elects one leader by heartbeats; the others follow it', async () => {
    const { all } = tabs(3);
    await Promise.all(all.map((app) => app.ready));
    expect(leaders(all)).toHaveLength(1);
    expect(all.map((app) => app.mode)).toEqual(['SharedTab', 'SharedTab', 'SharedTab']);
    const follower = all.find((app) => app.role === 'client')!;
    expect(await spawn(follower.store(counter), 'increase', [2])).toBe(2);
    await until(() => all.every((app) => app.store(counter).getState().count === 2), 'every tab');
  });

  it('a leader that leaves hands over: the newest state survives, calls in flight run once', async () => {
    const { all, open } = tabs(3);
    await Promise.all(all.map((app) => app.ready));
    const first = leaders(all)[0]!;
    const followers = all.filter((app) => app !== first);
    for (let i = 0; i < 5; i++)
      await spawn(followers[0]!.store(journal), 'record', [`before-${i}`]);

    // Calls in flight while the leader goes: each resolves, and each is applied exactly once.
    const inFlight = followers.map((app, i) =>
      spawn(app.store(journal), 'record', [`during-${i}`]),
    );
    await first.dispose();
    await Promise.all(inFlight);
    await until(() => leaders(followers).length === 1, 'a new leader');
    const second = leaders(followers)[0]!;
    expect(second.status.getState()).toMatchObject({ mode: 'SharedTab', connected: true });

    const late = open();
    await late.ready;
    expect(late.role).toBe('client');
    await spawn(late.store(journal), 'record', ['after']);
    await until(
      () => [...followers, late].every((app) => app.store(journal).getState().applied.length === 8),
      'every tab to hold 8 calls',
    );
    const applied = late.store(journal).getState().applied;
    expect([...applied].sort()).toEqual(
      [
        'after',
        'before-0',
        'before-1',
        'before-2',
        'before-3',
        'before-4',
        'during-0',
        'during-1',
      ].sort(),
    );
  });

  it('a store status keeps the revision and epoch it shows across a failover, then takes the new epoch', async () => {
    const { all } = tabs(2);
    await Promise.all(all.map((app) => app.ready));
    const first = leaders(all)[0]!;
    const follower = all.find((app) => app !== first)!;
    await spawn(follower.store(journal), 'record', ['a']);
    const { status } = follower.store(journal);
    await until(() => status.getState().state === 'synced', 'the journal to be synced');
    const before = status.getState();
    expect(before.localRevision).toBeDefined();
    const seen: SyncStatus[] = [];
    const off = status.subscribe((next) => seen.push(next));
    await first.dispose();
    await until(
      () =>
        follower.role === 'leader' &&
        status.getState().state === 'synced' &&
        status.getState().epoch !== before.epoch,
      "the new leader's epoch",
    );
    off();
    expect(seen.length).toBeGreaterThan(0);
    // Never an empty status in between: the copy showed that revision all along.
    expect(
      seen.filter((next) => next.localRevision === undefined || next.epoch === undefined),
    ).toEqual([]);
  });

  it('a leader elected alone starts from the stored copy', async () => {
    const records = new Map<string, unknown>();
    const storage: SharedStorage = {
      get: (key) => structuredClone(records.get(key)),
      set: (key, value) => {
        records.set(key, structuredClone(value));
      },
    };
    const first = tabs(1, { storage });
    await first.all[0]!.ready;
    await spawn(first.all[0]!.store(counter), 'increase', [7]);
    await until(() => records.size > 0, 'a stored copy');
    await first.all[0]!.dispose();

    const again = first.open();
    await again.ready;
    expect(again.role).toBe('leader');
    expect(again.store(counter).getState()).toEqual({ count: 7 });
  });

  it('a corrupt stored copy is reported and skipped: the leader starts from state()', async () => {
    const name = `tab-test-${++appNumber}`;
    const storage: SharedStorage = {
      // Past the largest revision: not a store record, whatever else it holds.
      get: () => ({ revision: '99999999999999999999', data: { count: 5 }, calls: [] }),
      set: () => {},
    };
    const reports: string[] = [];
    const app = createSharedApp({
      stores: [counter],
      share: { name, type: 'SharedTab', storage },
      logger: quiet,
      onError: ({ error, store }) => reports.push(`${store} ${error.code} ${error.reason}`),
    });
    apps.push(app);
    await app.ready;
    expect(app.store(counter).getState()).toEqual({ count: 0 });
    expect(reports).toEqual(['counter storage corrupt']);
  });

  it('a tab of another version is refused by the leader and falls back to Local, with a report', async () => {
    const { all } = tabs(1, { version: '1' });
    await all[0]!.ready;
    const reports: string[] = [];
    const other = createSharedApp({
      stores: [journal, counter],
      share: { name: all[0]!.name, type: 'SharedTab', version: '2' },
      logger: quiet,
      onError: ({ phase, error }) => reports.push(`${phase} ${error.reason ?? error.code}`),
    });
    apps.push(other);
    await other.ready;
    expect(other.mode).toBe('Local');
    expect(reports).toContain('connect version_mismatch');
  });

  // The deadline (startTimeoutMs) is for other tabs. A tab alone elects itself by heartbeats,
  // which take a silence, a round of claims and a recovery: under load their chained timers
  // drift past any sum of their periods (shared-worker.test.ts fell back to Local so).
  it('a tab alone leads however short startTimeoutMs is: its own election does not count', async () => {
    const reports: string[] = [];
    const app = createSharedApp({
      stores: [journal, counter],
      share: { name: `tab-test-${++appNumber}`, type: 'SharedTab', startTimeoutMs: 1 },
      logger: quiet,
      onError: ({ phase, error }) => reports.push(`${phase} ${error.message}`),
    });
    apps.push(app);
    await app.ready;
    expect(app.mode).toBe('SharedTab');
    expect(app.role).toBe('leader');
    expect(reports).toEqual([]);
  });

  it('a leader that beats but never answers: the tab falls back to Local after the deadline', async () => {
    const name = `tab-test-${++appNumber}`;
    // A tab that holds office (it beats) but never serves.
    const zombie = createTabHub({ channel: linkName(name), id: '0-zombie', logger: quiet });
    zombie.signal('beat');
    const beating = setInterval(() => zombie.signal('beat'), BEAT_MS);
    try {
      const app = createSharedApp({
        stores: [journal, counter],
        share: { name, type: 'SharedTab', startTimeoutMs: 50 },
        logger: quiet,
      });
      apps.push(app);
      await app.ready;
      expect(app.mode).toBe('Local');
      expect(app.status.getState().fallback?.reason).toBe(
        `no leader tab answered within ${50 + RECOVER_MS} ms`,
      );
    } finally {
      clearInterval(beating);
      zombie.close();
    }
  });
});
