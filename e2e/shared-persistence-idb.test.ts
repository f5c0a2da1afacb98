// @statesync/persistence and @statesync/shared keep their IndexedDB storage in one origin
// without meeting: each has its own default database (`statesync` and `statesync-shared`), so
// whichever opens first, the other still opens, writes and reads back its own records.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectConsoleErrors,
  launchBrowser,
  openTabs,
  type RouteHandler,
  type StaticServer,
  serveStatic,
} from './harness/index.js';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8" />
<link rel="icon" href="data:," /><title>both storages</title></head>
<body><script type="module" src="/page.js"></script></body></html>`;

/** Each package's IndexedDB storage with its defaults: persistence's backend, shared's app. */
const usePersistence = async () => {
  const backend = window.both.persistence.createIndexedDBBackend<{ theme: string }>({
    key: 'settings',
  });
  const before = await backend.load();
  const meta = { revision: '4', epoch: 'e1', schemaVersion: 1, savedAt: Date.now() };
  await backend.save({ meta, data: { theme: 'dark' } });
  const after = await backend.load();
  return { before: before?.data ?? null, after: after?.data ?? null };
};

const useShared = async () => {
  const { shared, counter } = window.both;
  const app = shared.createSharedApp({
    stores: [counter],
    share: { name: 'both', type: 'SharedTab', storage: shared.createIndexedDBStorage() },
  });
  await app.ready;
  const before = app.store(counter).getState().count;
  const after = await shared.spawn(app.store(counter), 'increase', [1]);
  await app.dispose();
  // The copy is written after the change was flushed: read it back as a new authority would.
  const storage = shared.createIndexedDBStorage();
  const read = async () =>
    ((await storage.get('both/counter')) as { data?: { count: number } } | undefined)?.data;
  let stored = await read();
  for (let i = 0; i < 100 && stored?.count !== after; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    stored = await read();
  }
  return { before, after, stored: stored ?? null };
};

describe('@statesync/persistence and @statesync/shared IndexedDB storage in one origin', () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./fixtures/idb-both/page.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
    });
    const script = bundle.outputFiles[0]?.text ?? '';
    const send =
      (type: string, body: string): RouteHandler =>
      (_request, response) => {
        response.writeHead(200, { 'content-type': `${type}; charset=utf-8` });
        response.end(body);
      };
    [server, browser] = await Promise.all([
      serveStatic({
        routes: {
          'GET /': send('text/html', PAGE),
          'GET /page.js': send('text/javascript', script),
        },
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** One fresh origin's storage (a new context), with `run` in a page, then in a reloaded one. */
  async function inFreshOrigin(run: (page: Page) => Promise<void>) {
    const context: BrowserContext = await browser.newContext();
    const errors = collectConsoleErrors(context);
    try {
      const [page] = (await openTabs(context, server.url, 1)) as [Page];
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
      await run(page);
      errors.assertNone();
    } finally {
      errors.stop();
      await context.close();
    }
  }

  for (const first of ['persistence', 'shared'] as const) {
    it(`both work when ${first} opens first, and each reads back its own after a reload`, async () => {
      await inFreshOrigin(async (page) => {
        const persistFirst = first === 'persistence';
        const early = persistFirst ? undefined : await page.evaluate(useShared);
        const persisted = await page.evaluate(usePersistence);
        const synced = early ?? (await page.evaluate(useShared));
        expect(persisted).toEqual({ before: null, after: { theme: 'dark' } });
        expect(synced).toEqual({ before: 0, after: 1, stored: { count: 1 } });

        await page.reload();
        await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
        // Each package finds its own record where it left it, and the app goes on from it.
        expect(await page.evaluate(usePersistence)).toMatchObject({ before: { theme: 'dark' } });
        expect(await page.evaluate(useShared)).toEqual({
          before: 1,
          after: 2,
          stored: { count: 2 },
        });
        const names = await page.evaluate(async () =>
          (await indexedDB.databases()).map((db) => db.name).sort(),
        );
        expect(names).toEqual(['statesync', 'statesync-shared']);
      });
    });
  }
});
