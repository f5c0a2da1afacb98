// When storage fails, statesync reports a typed error (`StateSyncError`, code `storage`, with a
// `reason`) and carries on: what the tab shows stays correct, the server stays the source of
// truth, and a good stored copy is never replaced by a broken one. Also covers the two other
// backends, sessionStorage and IndexedDB, in real tabs.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  loadStored,
  openTab,
  readView,
  readWebStorage,
  serverShown,
  settle,
  shown,
  tabUrl,
  waitUntilCurrent,
  waitUntilStarted,
} from './fixtures/persistence/driver.js';
import { usePersistenceSuite } from './fixtures/persistence/suite.js';
import type { FixtureError } from './fixtures/persistence/types.js';
import { waitFor } from './harness/index.js';

/** Waits for the tab to have reported a persistence error matching `expected`. */
function waitForPersistenceError(page: Page, expected: Partial<FixtureError>, timeoutMs = 10_000) {
  return waitFor(
    async () =>
      (await readView(page)).errors.find(
        (error) =>
          error.source === 'persistence' &&
          Object.entries(expected).every(
            ([key, value]) => error[key as keyof FixtureError] === value,
          ),
      ),
    { timeoutMs, message: `a persistence error like ${JSON.stringify(expected)}` },
  );
}

/** Opens a same-origin page with no statesync on it, for tampering with storage. */
async function openBystander(suite: ReturnType<typeof usePersistenceSuite>): Promise<Page> {
  const page = await suite.context.newPage();
  await page.goto(new URL('away.html', suite.server.url).href, { waitUntil: 'load' });
  return page;
}

describe('@statesync/persistence when storage fails', () => {
  const suite = usePersistenceSuite();

  it('a full localStorage gives a quota error; state in memory and the stored copy stay intact', async () => {
    const { context, server } = suite;
    suite.expectConsoleErrors(/persistence error storage\/quota \(save @ \d+\)/);
    const a = await openTab(context, server, { tab: 'a' });
    const saved = await a.evaluate(() => window.fixture.write({ note: 'kept safe' }));
    await waitUntilCurrent(a, server);
    await a.evaluate(() => window.fixture.flush());
    const storedBefore = await readWebStorage(a);
    expect(JSON.parse(storedBefore ?? 'null')?.meta?.revision).toBe(saved.revision);

    // Fill the origin's localStorage to the last character (bounded: at most 400 writes).
    const fillers = await a.evaluate(() => {
      let size = 1 << 20;
      let written = 0;
      for (let step = 0; step < 400 && size >= 1; step++) {
        try {
          localStorage.setItem(`filler-${written}`, 'x'.repeat(size));
          written += 1;
        } catch {
          size = Math.floor(size / 2);
        }
      }
      return written;
    });
    expect(fillers).toBeGreaterThan(0);
    await expect(a.evaluate(() => localStorage.setItem('probe', 'x'.repeat(64)))).rejects.toThrow(
      /quota/i,
    );

    const big = await a.evaluate(() => window.fixture.write({ note: 'y'.repeat(100_000) }));
    const error = await waitForPersistenceError(a, { reason: 'quota' });

    expect(error).toMatchObject({ code: 'storage', reason: 'quota', operation: 'save' });
    expect(error.revision).toBe(big.revision);
    const view = await readView(a);
    expect(shown(view)).toEqual(serverShown(server));
    expect(view.data?.note).toHaveLength(100_000);
    expect(await readWebStorage(a)).toBe(storedBefore);
    expect(view.errors.filter((entry) => entry.source !== 'persistence')).toEqual([]);

    // Once there is room again, the next change is saved as usual.
    await a.evaluate((count) => {
      for (let i = 0; i < count; i++) localStorage.removeItem(`filler-${i}`);
    }, fillers);
    const after = await a.evaluate(() => window.fixture.write({ note: 'room again' }));
    await waitFor(async () => (await loadStored(a)).record?.meta.revision === after.revision, {
      timeoutMs: 5_000,
      message: `revision ${after.revision} to be saved once there is room`,
    });
  });

  for (const { reason, text } of [
    { reason: 'corrupt', text: '{"meta": {"revision": "9", "sch' },
    { reason: 'foreign', text: '{"theme":"dark","written":"by another app"}' },
  ] as const) {
    it(`a ${reason} stored copy gives a ${reason} error; the tab syncs from the server and repairs storage`, async () => {
      const { context, server } = suite;
      suite.expectConsoleErrors(new RegExp(`persistence error storage/${reason} \\(load @ -\\)`));
      const a = await openTab(context, server, { tab: 'a' });
      await a.evaluate(() => window.fixture.write({ theme: 'dark', note: 'on the server' }));
      await waitUntilCurrent(a, server);
      await a.evaluate(() => window.fixture.flush());
      await a.close();
      const truth = serverShown(server);

      const bystander = await openBystander(suite);
      await bystander.evaluate((value) => localStorage.setItem('settings', value), text);
      server.resetRequests();
      const reopened = await openTab(context, server, { tab: 'a' });
      const error = await waitForPersistenceError(reopened, { reason });
      const view = await waitUntilCurrent(reopened, server, 'the tab to sync from the server');

      expect(error).toMatchObject({ code: 'storage', reason, operation: 'load' });
      expect(view.hydrated).toBeNull();
      expect(view.firstRenders[0]).toMatchObject({ phase: 'sync', revision: truth.revision });
      expect(shown(view)).toEqual(truth);
      expect(server.requests('a').snapshot).toBe(1);
      // Nothing lost: the server kept its data, and storage holds a good copy again.
      expect(serverShown(server)).toEqual(truth);
      await reopened.evaluate(() => window.fixture.flush());
      const stored = await loadStored(reopened);
      expect(stored.error).toBeUndefined();
      expect(stored.record).toMatchObject({ meta: { revision: truth.revision }, data: truth.data });
    });
  }
});

describe('@statesync/persistence on sessionStorage and IndexedDB', () => {
  const suite = usePersistenceSuite();

  it('sessionStorage: a reload paints the stored revision first; another tab has its own copy', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, { tab: 'a', backend: 'session' });
    const reply = await a.evaluate(() => window.fixture.write({ note: 'only in this tab' }));
    await waitUntilCurrent(a, server);
    await a.evaluate(() => window.fixture.flush());
    expect(
      JSON.parse((await readWebStorage(a, 'settings', 'sessionStorage')) ?? 'null'),
    ).toMatchObject({ meta: { revision: reply.revision }, data: server.authority.getData() });
    expect(await readWebStorage(a, 'settings', 'localStorage')).toBeNull();
    server.resetRequests();

    await a.reload({ waitUntil: 'load' });
    await waitUntilStarted(a);
    await settle();
    const view = await readView(a);
    expect(view.firstRenders[0]).toMatchObject({ phase: 'hydrate', revision: reply.revision });
    expect(view.renderCount).toBe(1);
    expect(server.requests('a').snapshot).toBe(0);

    // A new tab starts with an empty sessionStorage: nothing to hydrate, yet it gets current.
    const b = await openTab(context, server, { tab: 'b', backend: 'session' });
    const other = await waitUntilCurrent(b, server);
    expect(other.hydrated).toBeNull();
    expect(other.firstRenders[0]?.revision).toBe(reply.revision);
  });

  it('IndexedDB: a reload paints the stored revision first and fetches nothing', async () => {
    const { context, server } = suite;
    const setup = { tab: 'a', backend: 'idb', db: 'e2e-reload' } as const;
    const a = await openTab(context, server, setup);
    const reply = await a.evaluate(() => window.fixture.write({ theme: 'dark' }));
    await waitUntilCurrent(a, server);
    await a.evaluate(() => window.fixture.flush());
    expect((await loadStored(a)).record).toMatchObject({
      meta: { revision: reply.revision, epoch: server.authority.getEpoch() },
      data: server.authority.getData(),
    });
    server.resetRequests();

    await a.reload({ waitUntil: 'load' });
    await waitUntilStarted(a);
    await settle();
    const view = await readView(a);
    expect(view.hydrated?.revision).toBe(reply.revision);
    expect(view.firstRenders[0]).toMatchObject({ phase: 'hydrate', revision: reply.revision });
    expect(view.renderCount).toBe(1);
    expect(server.requests('a').snapshot).toBe(0);
    expect(view.errors).toEqual([]);
  });

  it('IndexedDB: another tab can upgrade the database while a tab holds it open', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, { tab: 'a', backend: 'idb', db: 'e2e-upgrade' });
    await a.evaluate(() => window.fixture.write({ note: 'before the upgrade' }));
    await waitUntilCurrent(a, server);
    await a.evaluate(() => window.fixture.flush());

    // A newer version of the app, in another tab, upgrades the database: a must let it.
    const bystander = await openBystander(suite);
    const outcome = await bystander.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve('no answer within 5 s'), 5_000);
          void indexedDB.databases().then((all) => {
            const version = all.find((db) => db.name === 'e2e-upgrade')?.version ?? 1;
            const request = indexedDB.open('e2e-upgrade', version + 1);
            request.onblocked = () => resolve('blocked');
            request.onsuccess = () => {
              clearTimeout(timer);
              request.result.close();
              resolve('upgraded');
            };
            request.onerror = () => resolve(`error: ${request.error?.message}`);
          });
        }),
    );
    expect(outcome).toBe('upgraded');

    // a reopens the upgraded database on its next save.
    const after = await a.evaluate(() => window.fixture.write({ note: 'after the upgrade' }));
    await waitFor(async () => (await loadStored(a)).record?.meta.revision === after.revision, {
      timeoutMs: 5_000,
      message: `revision ${after.revision} to be saved in the upgraded database`,
    });
    expect((await readView(a)).errors).toEqual([]);
  });

  it('IndexedDB: a connection that refuses to close gives a blocked error; the tab still syncs', async () => {
    const { context, server } = suite;
    suite.expectConsoleErrors(/persistence error storage\/blocked/);
    // Another tab opened the database before statesync created its store, and never lets go.
    const bystander = await openBystander(suite);
    const heldVersion = await bystander.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const request = indexedDB.open('e2e-blocked');
          request.onsuccess = () => {
            const db = request.result;
            db.onversionchange = () => {}; // refuses: does not close
            (window as unknown as { held: IDBDatabase }).held = db;
            resolve(db.version);
          };
          request.onerror = () => reject(request.error);
        }),
    );
    expect(heldVersion).toBe(1);

    const page = await context.newPage();
    await page.goto(tabUrl(server, { tab: 'a', backend: 'idb', db: 'e2e-blocked' }));
    const error = await waitForPersistenceError(page, { reason: 'blocked' });
    expect(error).toMatchObject({ code: 'storage', reason: 'blocked', operation: 'load' });
    await waitUntilStarted(page);
    const view = await waitUntilCurrent(page, server, 'the blocked tab to sync from the server');
    expect(view.hydrated).toBeNull();

    // Once the other tab lets go, saving works again.
    await bystander.evaluate(() => (window as unknown as { held: IDBDatabase }).held.close());
    const after = await page.evaluate(() => window.fixture.write({ note: 'unblocked' }));
    await waitUntilCurrent(page, server);
    await waitFor(async () => (await loadStored(page)).record?.meta.revision === after.revision, {
      timeoutMs: 10_000,
      message: `revision ${after.revision} to be saved once the database is free`,
    });
  });
});
