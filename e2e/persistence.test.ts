// @statesync/persistence in real tabs: snapshots kept in storage, restored before the first
// paint, and shared between the tabs of one browser profile. The server's authority is the
// source of truth throughout; these tests check that tabs agree with it and with each other,
// and that storage and the sibling tabs save the server work rather than add to it.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  closeTab,
  loadStored,
  openTab,
  readView,
  readWebStorage,
  serverShown,
  settle,
  shown,
  waitUntilCurrent,
  waitUntilStarted,
} from './fixtures/persistence/driver.js';
import { usePersistenceSuite } from './fixtures/persistence/suite.js';
import { waitFor, waitForConvergence } from './harness/index.js';

/** Waits until every tab shows the same revision and data, at `revision`. */
function converge(tabs: readonly Page[], revision: string, timeoutMs = 10_000) {
  return waitForConvergence(tabs, async (page) => shown(await readView(page)), {
    until: (view) => view.revision === revision,
    timeoutMs,
    message: `every tab to show revision ${revision}`,
  });
}

describe('@statesync/persistence across tabs', () => {
  const suite = usePersistenceSuite();

  it('a change made in one of three tabs shows up in the other two and in storage', async () => {
    const { context, server } = suite;
    const tabs = [
      await openTab(context, server, { tab: 'a' }),
      await openTab(context, server, { tab: 'b' }),
      await openTab(context, server, { tab: 'c' }),
    ];
    const [a] = tabs as [Page];
    await converge(tabs, server.authority.getRevision());

    const reply = await a.evaluate(() => window.fixture.write({ theme: 'dark', note: 'from a' }));

    const common = await converge(tabs, reply.revision);
    expect(common).toEqual(serverShown(server));
    expect(common.data).toMatchObject({ theme: 'dark', note: 'from a' });
    // One record for the origin, written as { meta, data }, at the newest revision.
    const stored = await waitFor(
      async () => {
        const text = await readWebStorage(a);
        const record = text === null ? undefined : JSON.parse(text);
        return record?.meta?.revision === reply.revision ? record : undefined;
      },
      { timeoutMs: 5_000, message: `localStorage to hold revision ${reply.revision}` },
    );
    expect(stored).toMatchObject({
      meta: { revision: reply.revision, epoch: server.authority.getEpoch(), schemaVersion: 1 },
      data: server.authority.getData(),
    });
    expect(typeof stored.meta.savedAt).toBe('number');
    for (const tab of tabs) expect((await readView(tab)).errors).toEqual([]);
  });

  it("the user guide's setup, unchanged, keeps tabs in step over BroadcastChannel alone", async () => {
    const { context, server } = suite;
    // a listens to the server; b never opens an event stream; c has one, but the server
    // withholds every event from it. Only a can learn of changes from the server.
    const a = await openTab(context, server, { tab: 'a', seed: true });
    const b = await openTab(context, server, { tab: 'b', seed: true, sse: 'off' });
    server.withholdEvents('c', true);
    const c = await openTab(context, server, { tab: 'c', seed: true });
    const tabs = [a, b, c];
    await converge(tabs, server.authority.getRevision());
    expect(server.openStreams('b')).toBe(0);
    expect(server.openStreams('c')).toBe(1);
    const before = { b: server.requests('b'), c: server.requests('c') };

    const first = await a.evaluate(() => window.fixture.write({ theme: 'dark' }));
    await converge(tabs, first.revision);
    // b's own write: the server never tells b, a does.
    const second = await b.evaluate(() => window.fixture.write({ note: 'written in b' }));
    const common = await converge(tabs, second.revision);

    expect(common).toEqual(serverShown(server));
    expect(server.requests('b').snapshot).toBe(before.b.snapshot);
    expect(server.requests('c').snapshot).toBe(before.c.snapshot);
    for (const tab of [b, c]) {
      const view = await readView(tab);
      expect(view.seed).toBe(true);
      expect(view.stats.broadcastsApplied).toBeGreaterThanOrEqual(2);
      expect(view.errors).toEqual([]);
    }
  });

  it.each([
    { backend: 'local', shared: true },
    { backend: 'idb', shared: true },
    { backend: 'session', shared: false },
  ] as const)(
    '$backend: a tab saves what it received from a sibling only if its storage is its own (shared: $shared)',
    async ({ backend, shared }) => {
      const { context, server } = suite;
      // b hears of changes only from a, so everything b saves, it saves because a sent it.
      const a = await openTab(context, server, { tab: 'a', backend });
      const b = await openTab(context, server, { tab: 'b', backend, sse: 'off' });
      await converge([a, b], server.authority.getRevision());
      await Promise.all([a, b].map((tab) => tab.evaluate(() => window.fixture.flush())));
      const before = { a: (await readView(a)).stats, b: (await readView(b)).stats };

      let last = '';
      for (const theme of ['dark', 'light', 'dark'] as const) {
        last = (await a.evaluate((value) => window.fixture.write({ theme: value }), theme))
          .revision;
        await converge([a, b], last);
      }
      await Promise.all([a, b].map((tab) => tab.evaluate(() => window.fixture.flush())));
      await settle();

      const after = { a: (await readView(a)).stats, b: (await readView(b)).stats };
      const delta = (tab: 'a' | 'b', stat: string) =>
        (after[tab][stat] as number) - (before[tab][stat] as number);
      console.info(
        `${backend}: saves during 3 writes, sender a = ${delta('a', 'saves')}, receiver b = ${delta('b', 'saves')}`,
      );
      expect(delta('b', 'broadcastsApplied')).toBe(3);
      expect(delta('b', 'applies')).toBe(0);
      expect(delta('a', 'saves')).toBeGreaterThan(0);
      if (shared) {
        // One record for the origin: the sender saved it, the receiver does not write it again
        // (not even an attempt the guard would refuse).
        expect(delta('b', 'saves')).toBe(0);
        expect(delta('b', 'savesSkipped')).toBe(0);
      } else {
        // sessionStorage is the tab's own: only b can keep what b shows.
        expect(delta('b', 'saves')).toBeGreaterThan(0);
      }
      const stored = await loadStored(b);
      expect(stored.record?.meta.revision).toBe(last);
      expect(stored.record?.data).toEqual(server.authority.getData());
      expect(server.requests('b').snapshot).toBeLessThanOrEqual(1);
      for (const tab of [a, b]) expect((await readView(tab)).errors).toEqual([]);
    },
  );

  it('a reloaded tab paints the stored revision first and fetches nothing when nothing changed', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, { tab: 'a' });
    const b = await openTab(context, server, { tab: 'b' });
    await a.evaluate(() => window.fixture.write({ theme: 'dark' }));
    const reply = await a.evaluate(() => window.fixture.write({ note: 'before the reload' }));
    await converge([a, b], reply.revision);
    await Promise.all([a, b].map((tab) => tab.evaluate(() => window.fixture.flush())));
    server.resetRequests();

    await b.reload({ waitUntil: 'load' });
    await waitFor(async () => (await readView(b)).started, { message: 'b to start again' });
    await settle();

    const view = await readView(b);
    expect(view.hydrated?.revision).toBe(reply.revision);
    expect(view.firstRenders[0]).toMatchObject({ phase: 'hydrate', revision: reply.revision });
    expect(shown(view)).toEqual(serverShown(server));
    // Painted once, from storage: neither the server nor tab a made it paint again.
    expect(view.renderCount).toBe(1);
    expect(server.requests('b').snapshot).toBe(0);
    expect(server.requests('b').revision).toBeLessThanOrEqual(1);
    expect(view.errors).toEqual([]);
  });

  it('a tab reopened after a change made while no tab was open fetches exactly once', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, { tab: 'a' });
    const reply = await a.evaluate(() => window.fixture.write({ note: 'saved' }));
    await waitUntilCurrent(a, server);
    await a.evaluate(() => window.fixture.flush());
    await closeTab(a, server, 'a');

    const missed = server.authority.update((state) => ({
      ...state,
      theme: 'dark',
      note: 'missed',
    }));
    server.resetRequests();
    const reopened = await openTab(context, server, { tab: 'a' });
    const view = await waitUntilCurrent(reopened, server, 'the reopened tab to catch up');
    await settle();

    expect(view.firstRenders.map(({ phase, revision }) => ({ phase, revision }))).toEqual([
      { phase: 'hydrate', revision: reply.revision },
      { phase: 'sync', revision: missed.revision },
    ]);
    expect(server.requests('a').snapshot).toBe(1);
    expect((await readView(reopened)).renderCount).toBe(2);
    const stored = await waitFor(
      async () => {
        const result = await loadStored(reopened);
        return result.record?.meta.revision === missed.revision ? result : undefined;
      },
      { timeoutMs: 5_000, message: 'storage to hold the revision fetched on reopening' },
    );
    expect(stored.record?.data).toEqual(server.authority.getData());
  });

  it('a tab opened later already shows the current state on its first paint', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, { tab: 'a' });
    const b = await openTab(context, server, { tab: 'b' });
    for (const theme of ['dark', 'light', 'dark'] as const) {
      const { revision } = await b.evaluate(
        (value) => window.fixture.write({ theme: value }),
        theme,
      );
      await converge([a, b], revision);
      // Tabs show a revision a moment before storage holds it (they broadcast before saving).
      // One write at a time: two tabs saving two revisions at once on localStorage may leave the
      // older one stored, which is not what this test is about.
      await waitFor(async () => (await loadStored(a)).record?.meta.revision === revision, {
        timeoutMs: 5_000,
        message: `storage to hold revision ${revision}`,
      });
    }
    const current = server.authority.getRevision();
    server.resetRequests();

    const c = await openTab(context, server, { tab: 'c' });
    await settle();

    const view = await readView(c);
    expect(view.firstRenders[0]).toMatchObject({ phase: 'hydrate', revision: current });
    expect(view.renderCount).toBe(1);
    expect(shown(view)).toEqual(serverShown(server));
    expect(server.requests('c').snapshot).toBe(0);
  });

  it('when the server restarts (new epoch, revision back to 0), open tabs and storage follow', async () => {
    const { context, server } = suite;
    const tabs = [
      await openTab(context, server, { tab: 'a' }),
      await openTab(context, server, { tab: 'b' }),
    ];
    const [a, b] = tabs as [Page, Page];
    for (const note of ['one', 'two', 'three']) {
      await a.evaluate((value) => window.fixture.write({ note: value }), note);
    }
    await converge(tabs, '3');
    const oldEpoch = server.authority.getEpoch();

    const restart = server.authority.restart({
      data: { theme: 'dark', counter: 0, note: 'after the restart', writers: {} },
    });
    expect(restart.epoch).not.toBe(oldEpoch);

    const common = await waitForConvergence(tabs, async (page) => (await readView(page)).epoch, {
      until: (epoch) => epoch === restart.epoch,
      message: 'every tab to move to the new epoch',
    });
    expect(common).toBe(restart.epoch);
    for (const tab of tabs) expect(shown(await readView(tab))).toEqual(serverShown(server));
    const stored = await waitFor(
      async () => {
        const result = await loadStored(b);
        return result.record?.meta.epoch === restart.epoch ? result.record : undefined;
      },
      { timeoutMs: 5_000, message: 'storage to move to the new epoch' },
    );
    expect(stored).toMatchObject({
      meta: { revision: restart.revision },
      data: { note: 'after the restart' },
    });

    server.resetRequests();
    await b.reload({ waitUntil: 'load' });
    await waitFor(async () => (await readView(b)).started, { message: 'b to start again' });
    await settle();
    const view = await readView(b);
    expect(view.firstRenders[0]).toMatchObject({ phase: 'hydrate', revision: restart.revision });
    expect(view.epoch).toBe(restart.epoch);
    expect(server.requests('b').snapshot).toBe(0);
  });

  it('a tab that never hears from the server follows a restart through its sibling', async () => {
    const { context, server } = suite;
    // a listens to the server; b has no event stream, only its engine's provider and a.
    const a = await openTab(context, server, { tab: 'a' });
    const b = await openTab(context, server, { tab: 'b', sse: 'off' });
    for (const note of ['one', 'two', 'three']) {
      await a.evaluate((value) => window.fixture.write({ note: value }), note);
    }
    await converge([a, b], '3');
    const oldEpoch = server.authority.getEpoch();
    expect((await readView(b)).epoch).toBe(oldEpoch);
    expect(server.openStreams('b')).toBe(0);
    server.resetRequests();

    const restart = server.authority.restart({
      data: { theme: 'dark', counter: 0, note: 'after the restart', writers: {} },
    });
    expect(restart.revision).toBe('0');
    const reply = await a.evaluate(() => window.fixture.write({ note: 'first of the new epoch' }));
    expect(reply).toEqual({ revision: '1', epoch: restart.epoch });

    // Revision 1 of the new epoch is below 3 of the old one: only the epoch tells them apart.
    await converge([a, b], reply.revision);
    const view = await waitFor(
      async () => {
        const current = await readView(b);
        return current.epoch === restart.epoch && current.localRevision === reply.revision
          ? current
          : undefined;
      },
      { message: "b's engine to hold the new epoch" },
    );
    expect(shown(view)).toEqual(serverShown(server));
    expect(shown(await readView(a))).toEqual(serverShown(server));
    await settle();
    // a's snapshot of the new epoch reached b as an announcement, not as data: b's engine pulled
    // it from the server (1), and, like every switch to another epoch, confirmed it with one more
    // pull (2, core README "Epochs"). The write after it is in the epoch b now holds, so a's
    // snapshot of it is applied as is, with no pull. No revision probe: b neither started nor resumed.
    expect(server.requests('b')).toMatchObject({ snapshot: 2, revision: 0, events: 0 });
    expect((await readView(b)).errors).toEqual([]);
    await waitFor(async () => (await loadStored(b)).record?.meta.epoch === restart.epoch, {
      timeoutMs: 5_000,
      message: 'storage to hold the new epoch',
    });
  });

  it('a tab reopened after the server restarted leaves the old epoch for the new one', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, { tab: 'a' });
    for (const note of ['one', 'two', 'three', 'four']) {
      await a.evaluate((value) => window.fixture.write({ note: value }), note);
    }
    await waitUntilCurrent(a, server);
    await a.evaluate(() => window.fixture.flush());
    const old = { revision: server.authority.getRevision(), epoch: server.authority.getEpoch() };
    await closeTab(a, server, 'a');

    // Restarted with a counter below the stored one: only the epoch says the stored copy is old.
    const restart = server.authority.restart({
      data: { theme: 'light', counter: 0, note: 'new life', writers: {} },
    });
    server.resetRequests();
    const reopened = await openTab(context, server, { tab: 'a' });
    const view = await waitUntilCurrent(reopened, server, 'the reopened tab to take the new epoch');
    await settle();

    expect(view.firstRenders[0]).toMatchObject({
      phase: 'hydrate',
      revision: old.revision,
      epoch: old.epoch,
    });
    expect(view.epoch).toBe(restart.epoch);
    // The pull the probe asked for, plus the one that confirms every switch to another epoch
    // (core README, "Epochs").
    expect(server.requests('a').snapshot).toBe(2);
    await waitFor(async () => (await loadStored(reopened)).record?.meta.epoch === restart.epoch, {
      timeoutMs: 5_000,
      message: 'storage to hold the new epoch',
    });
  });

  it('a burst of 1,000 writes from two tabs at once ends with every tab equal to the server', async () => {
    const { context, server } = suite;
    const tabs = [
      await openTab(context, server, { tab: 'a' }),
      await openTab(context, server, { tab: 'b' }),
      await openTab(context, server, { tab: 'c' }),
    ];
    const [a, b] = tabs as [Page, Page];
    await converge(tabs, server.authority.getRevision());
    const start = BigInt(server.authority.getRevision());

    const written = await Promise.all(
      [a, b].map((tab) => tab.evaluate(() => window.fixture.burst(500, 3))),
    );
    expect(written).toEqual([500, 500]);
    const final = server.authority.getRevision();
    expect(BigInt(final) - start).toBe(1000n);

    const common = await converge(tabs, final, 30_000);
    expect(common).toEqual(serverShown(server));
    expect(common.data).toMatchObject({ counter: 1000, writers: { a: 500, b: 500 } });
    await waitFor(async () => (await loadStored(a)).record?.meta.revision === final, {
      timeoutMs: 10_000,
      message: `storage to end at revision ${final}`,
    });
    const fetches = tabs.map((_, i) => server.requests('abc'[i] as string).snapshot);
    console.info(`burst: snapshot GETs per tab a/b/c = ${fetches.join('/')}`);
    for (const tab of tabs) expect((await readView(tab)).errors).toEqual([]);
  });

  it('tabs that never hear from the server follow a burst through a sibling, even across a reload', async () => {
    const { context, server } = suite;
    const tabs = [
      await openTab(context, server, { tab: 'a' }),
      await openTab(context, server, { tab: 'b', sse: 'off' }),
      await openTab(context, server, { tab: 'c', sse: 'off' }),
    ];
    const [a, b, c] = tabs as [Page, Page, Page];
    await converge(tabs, server.authority.getRevision());
    server.resetRequests();

    const burst = Promise.all(
      [a, b].map((tab) => tab.evaluate(() => window.fixture.burst(300, 3))),
    );
    await waitFor(() => BigInt(server.authority.getRevision()) >= 100n, {
      message: 'the burst to be under way',
    });
    await c.reload({ waitUntil: 'load' });
    await waitUntilStarted(c);
    expect(await burst).toEqual([300, 300]);

    const final = server.authority.getRevision();
    const common = await converge(tabs, final, 30_000);
    expect(common).toEqual(serverShown(server));
    // b learned everything from a; c pulled at most once, when its probe after the reload found
    // the server ahead of what storage held.
    expect(server.requests('b').snapshot).toBe(0);
    expect(server.requests('c').snapshot).toBeLessThanOrEqual(1);
    for (const tab of tabs) expect((await readView(tab)).errors).toEqual([]);
  });

  it('dispose() closes the channel: the tab stops following its siblings and stops saving', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, { tab: 'a' });
    const b = await openTab(context, server, { tab: 'b', sse: 'off' });
    const first = await a.evaluate(() => window.fixture.write({ note: 'before dispose' }));
    await converge([a, b], first.revision);

    await b.evaluate(() => window.fixture.dispose());
    const second = await a.evaluate(() => window.fixture.write({ note: 'after dispose' }));
    await waitUntilCurrent(a, server);
    await waitFor(async () => (await loadStored(a)).record?.meta.revision === second.revision, {
      timeoutMs: 5_000,
      message: `a to save revision ${second.revision}`,
    });
    await settle();

    const view = await readView(b);
    expect(view.revision).toBe(first.revision);
    const stats = view.stats;
    await a.evaluate(() => window.fixture.write({ note: 'still alone' }));
    await waitUntilCurrent(a, server);
    await settle();
    expect((await readView(b)).stats).toEqual(stats);
  });

  it('without BroadcastChannel, a change reaches the other tab through the storage event', async () => {
    const { context, server } = suite;
    await context.addInitScript(() => {
      delete (window as { BroadcastChannel?: unknown }).BroadcastChannel;
    });
    const a = await openTab(context, server, { tab: 'a' });
    const b = await openTab(context, server, { tab: 'b', sse: 'off' });
    expect(await b.evaluate(() => typeof BroadcastChannel)).toBe('undefined');
    await converge([a, b], server.authority.getRevision());
    const before = server.requests('b');

    const first = await a.evaluate(() => window.fixture.write({ theme: 'dark' }));
    await converge([a, b], first.revision);
    const second = await b.evaluate(() => window.fixture.write({ note: 'from b' }));
    const common = await converge([a, b], second.revision);

    expect(common).toEqual(serverShown(server));
    expect(server.requests('b').snapshot).toBe(before.snapshot);
    const view = await readView(b);
    expect(view.stats.broadcastsApplied).toBeGreaterThanOrEqual(2);
    expect(view.errors).toEqual([]);
  });
});
