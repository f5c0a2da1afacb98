// Tabs that were away — kept in the back/forward cache, or hidden — may have missed events.
// The fixture page wires the platform signals the way the core README shows: `pageshow` with
// `persisted` and `visibilitychange` to `visible` call `sync.refresh()`. Whatever path the browser
// takes (restore from the cache, or a fresh load that hydrates from storage), the tab must end up
// showing what the server holds.
import { describe, expect, it } from 'vitest';
import {
  openTab,
  readView,
  serverShown,
  settle,
  shown,
  waitUntilCurrent,
} from './fixtures/persistence/driver.js';
import { usePersistenceSuite } from './fixtures/persistence/suite.js';
import { waitFor } from './harness/index.js';

describe('@statesync/persistence when a tab comes back', () => {
  // Playwright turns the back/forward cache off by default; this suite wants the real thing.
  const suite = usePersistenceSuite({ ignoreDefaultArgs: ['--disable-back-forward-cache'] });

  it('a tab restored from the back/forward cache catches up with changes made meanwhile', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, { tab: 'a' });
    const before = await a.evaluate(() => window.fixture.write({ note: 'before leaving' }));
    await waitUntilCurrent(a, server);
    await a.evaluate(() => window.fixture.flush());

    // Leave, and make sure the tab cannot hear of the change through its event stream.
    server.withholdEvents('a', true);
    await a.goto(new URL('away.html', server.url).href, { waitUntil: 'load' });
    const missed = server.authority.update((state) => ({
      ...state,
      theme: 'dark',
      note: 'missed',
    }));
    // A page restored from the cache fires no `load`, so wait for the commit only.
    await a.goBack({ waitUntil: 'commit' });
    await waitFor(async () => (await readView(a)).started, { message: 'the tab to be back' });

    const view = await waitUntilCurrent(a, server, 'the returning tab to catch up');
    const restored = view.pageshows.at(-1) === true;
    console.info(`back/forward: ${restored ? 'restored from the cache' : 'loaded again'}`);
    expect(shown(view)).toEqual(serverShown(server));
    if (restored) {
      // Same document as before leaving: it painted `before`, then `missed` after pageshow.
      expect(view.firstRenders.map((render) => render.revision)).toContain(before.revision);
      expect(view.firstRenders.at(-1)?.revision).toBe(missed.revision);
    } else {
      // A new document: it painted the stored revision first, then pulled the missed one.
      expect(view.firstRenders[0]).toMatchObject({ phase: 'hydrate', revision: before.revision });
    }
    expect(view.errors).toEqual([]);
    server.withholdEvents('a', false);
  });

  it('a tab that becomes visible again catches up on events it missed', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, { tab: 'a' });
    await waitUntilCurrent(a, server);
    server.withholdEvents('a', true);
    const stale = (await readView(a)).revision;

    // Headless Chromium keeps every page visible, so the page is told it was hidden and shown
    // again the way the browser would: visibilityState changes, then visibilitychange fires.
    await a.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    server.authority.update((state) => ({ ...state, note: 'while hidden' }));
    const missed = server.authority.update((state) => ({ ...state, theme: 'dark' }));
    await settle();
    expect((await readView(a)).revision).toBe(stale);
    server.resetRequests();

    await a.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const view = await waitUntilCurrent(a, server, 'the visible tab to catch up');
    await settle();

    expect(view.visibilityRefreshes).toBe(1);
    expect(view.revision).toBe(missed.revision);
    expect(server.requests('a').snapshot).toBe(1);
    // Storage follows, so a tab opened now starts from the caught-up revision.
    const b = await openTab(context, server, { tab: 'b' });
    expect((await readView(b)).firstRenders[0]).toMatchObject({
      phase: 'hydrate',
      revision: missed.revision,
    });
  });

  it('a tab that was away catches up on a change a sibling tab made and broadcast meanwhile', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, { tab: 'a' });
    const b = await openTab(context, server, { tab: 'b' });
    server.withholdEvents('a', true);
    await a.goto(new URL('away.html', server.url).href, { waitUntil: 'load' });
    const reply = await b.evaluate(() => window.fixture.write({ note: 'while a was away' }));
    await waitUntilCurrent(b, server);
    await b.evaluate(() => window.fixture.flush());

    await a.goBack({ waitUntil: 'commit' });
    await waitFor(async () => (await readView(a)).started, { message: 'the tab to be back' });
    const view = await waitUntilCurrent(a, server, 'a to come back current');

    // Chromium evicts a cached page that a BroadcastChannel message is sent to, so this usually
    // comes back as a new document that hydrates from what b saved.
    const restored = view.pageshows.at(-1) === true;
    console.info(`sibling: ${restored ? 'restored from the cache' : 'loaded again'}`);
    if (!restored) {
      expect(view.firstRenders[0]).toMatchObject({ phase: 'hydrate', revision: reply.revision });
    }
    expect(view.revision).toBe(reply.revision);
    expect(shown(view)).toEqual(shown(await readView(b)));
    expect(view.errors).toEqual([]);
  });
});
