import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConsoleErrors,
  collectConsoleErrors,
  launchBrowser,
  openTabs,
  type StaticServer,
  serveStatic,
  waitFor,
} from './harness/index.js';

// The storage backends against the browser's own localStorage, sessionStorage and IndexedDB:
// the same checks for each, then what only one of them can do (quota, blocked upgrades, the
// storage event).

type Kind = 'local' | 'session' | 'idb';
const KINDS: Kind[] = ['local', 'session', 'idb'];

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8" />
<link rel="icon" href="data:," /><title>backends</title></head>
<body><script type="module" src="/page.js"></script></body></html>`;

/** Runs `body` in the page with a fresh backend of `kind` under `key`. */
function inPage<R>(page: Page, kind: Kind, key: string, body: string, arg?: unknown): Promise<R> {
  return page.evaluate(
    async ([kind, key, body, arg]) => {
      const p = window.persistence;
      const backend =
        kind === 'local'
          ? p.createLocalStorageBackend({ key })
          : kind === 'session'
            ? p.createSessionStorageBackend({ key })
            : p.createIndexedDBBackend({ key, databaseName: 'backends-test' });
      // The body is test code from this file, run as the page's own script.
      const run = new Function('backend', 'p', 'arg', `return (async () => { ${body} })();`);
      return run(backend, p, arg);
    },
    [kind, key, body, arg] as const,
  ) as Promise<R>;
}

const record = (revision: string, data: unknown = { theme: 'dark' }) => ({
  meta: { revision, epoch: 'e1', schemaVersion: 2, savedAt: 1_700_000_000_000 },
  data,
});

/** What a rejected promise carried, as plain data. */
const CATCH = `
  const describe = (error) => ({ name: error?.name, code: error?.code, reason: error?.reason, message: String(error?.message) });
`;

describe('storage backends in Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: ConsoleErrors;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./fixtures/backends/page.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
    });
    const script = bundle.outputFiles[0]?.text ?? '';
    [server, browser] = await Promise.all([
      serveStatic({
        routes: {
          'GET /': (_request, response) => {
            response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            response.end(PAGE);
          },
          'GET /page.js': (_request, response) => {
            response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
            response.end(script);
          },
        },
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    consoleErrors = collectConsoleErrors(context);
    [page] = (await openTabs(context, server.url, 1)) as [Page];
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  });
  afterEach(async () => {
    await context.close();
    consoleErrors.stop();
    consoleErrors.assertNone();
  });

  describe.each(KINDS)('%s', (kind) => {
    it('stores data and metadata together, and clear() removes them', async () => {
      const result = await inPage<unknown[]>(
        page,
        kind,
        'round-trip',
        `
        const before = await backend.load();
        const written = await backend.save(arg);
        const after = await backend.load();
        await backend.clear();
        return [before ?? null, written, after, (await backend.load()) ?? null];
      `,
        record('7'),
      );
      expect(result).toEqual([null, true, record('7'), null]);
    });

    it('a guard that refuses leaves the stored record as it was', async () => {
      const result = await inPage<unknown[]>(
        page,
        kind,
        'guard',
        `
        await backend.save(arg);
        const seen = [];
        const written = await backend.save({ ...arg, meta: { ...arg.meta, revision: '3' } }, (meta) => {
          seen.push(meta.revision);
          return false;
        });
        return [written, seen, (await backend.load()).meta.revision];
      `,
        record('9'),
      );
      expect(result).toEqual([false, ['9'], '9']);
    });

    it('reads what another writer left there as corrupt or foreign, with a typed error', async () => {
      const plant =
        kind === 'idb'
          ? `
          const db = await new Promise((resolve, reject) => {
            const request = indexedDB.open('backends-test');
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          });
          await new Promise((resolve, reject) => {
            const tx = db.transaction('snapshots', 'readwrite');
            tx.objectStore('snapshots').put(value, 'planted');
            tx.oncomplete = resolve;
            tx.onerror = () => reject(tx.error);
          });
          db.close();`
          : `${kind === 'local' ? 'localStorage' : 'sessionStorage'}.setItem('planted', typeof value === 'string' ? value : JSON.stringify(value));`;
      const cases: [unknown, string][] = [
        [{ theme: 'dark' }, 'foreign'],
        [{ format: 'statesync/persisted@1', meta: { revision: '01' }, data: 1 }, 'corrupt'],
      ];
      if (kind !== 'idb') cases.push(['{"truncated', 'corrupt']);
      for (const [value, reason] of cases) {
        const outcome = await inPage<Record<string, unknown>>(
          page,
          kind,
          'planted',
          `${CATCH}
          // Make sure the store exists before planting, as the backend would.
          await backend.clear();
          const value = arg;
          ${plant}
          try {
            return { loaded: await backend.load() };
          } catch (error) {
            return describe(error);
          }
        `,
          value,
        );
        expect(outcome, JSON.stringify(value)).toMatchObject({ code: 'storage', reason });
      }
    });
  });

  it.each(['local', 'idb'] as const)(
    '%s: a throwing migration is a typed error and the stored copy stays as it was',
    async (kind) => {
      const result = await inPage<Record<string, unknown>>(
        page,
        kind,
        'migrating',
        `
        await backend.save(arg);
        const errors = [];
        const applied = [];
        const applier = p.createPersistenceApplier({
          storage: backend,
          applier: { apply: (snapshot) => void applied.push(snapshot.revision) },
          schemaVersion: 3,
          migrations: {
            3: () => {
              throw new Error('cannot read v2 settings');
            },
          },
          onPersistenceError: (error, context) =>
            errors.push({ code: error.code, reason: error.reason, operation: context.operation }),
        });
        const hydrated = await applier.hydrate();
        await applier.dispose();
        return { hydrated: hydrated ?? null, applied, errors, stored: await backend.load() };
      `,
        record('5'),
      );
      expect(result).toEqual({
        hydrated: null,
        applied: [],
        errors: [{ code: 'storage', reason: 'migration', operation: 'migrate' }],
        stored: record('5'),
      });
    },
  );

  it('localStorage: quota exceeded is a typed error and the previous copy survives', async () => {
    const result = await inPage<Record<string, unknown>>(
      page,
      'local',
      'big',
      `${CATCH}
      await backend.save(arg);
      let error;
      try {
        // Far beyond Chromium's localStorage quota of about 10 MB per origin.
        await backend.save({ ...arg, meta: { ...arg.meta, revision: '8' }, data: 'x'.repeat(12 * 1024 * 1024) });
      } catch (thrown) {
        error = describe(thrown);
      }
      return { error, kept: (await backend.load()).meta.revision };
    `,
      record('7'),
    );
    expect(result).toMatchObject({ error: { code: 'storage', reason: 'quota' }, kept: '7' });
  });

  it('localStorage and IndexedDB refuse values they cannot store with not_cloneable', async () => {
    for (const kind of ['local', 'idb'] as const) {
      const result = await inPage<Record<string, unknown>>(
        page,
        kind,
        'uncloneable',
        `${CATCH}
        const data = kind === 'idb' ? { handler: () => 1 } : { big: 10n };
        try {
          await backend.save({ ...arg, data });
          return { saved: true };
        } catch (error) {
          return describe(error);
        }
      `.replace('kind ===', `'${kind}' ===`),
        record('1'),
      );
      expect(result, kind).toMatchObject({ code: 'not_cloneable' });
    }
  });

  it('IndexedDB: an upgrade blocked by another tab is a typed error, and works once it closes', async () => {
    const [other] = (await openTabs(context, server.url, 1)) as [Page];
    await other.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    // The other tab holds the database open and ignores requests to close it.
    await other.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.open('blocked-test', 1);
          request.onupgradeneeded = () => request.result.createObjectStore('unrelated');
          request.onsuccess = () => {
            (window as unknown as { held: IDBDatabase }).held = request.result;
            resolve();
          };
          request.onerror = () => reject(request.error);
        }),
    );
    // Our store is missing, so the backend must upgrade the database: blocked.
    const blocked = await page.evaluate(async () => {
      const backend = window.persistence.createIndexedDBBackend({
        key: 'k',
        databaseName: 'blocked-test',
      });
      try {
        await backend.load();
        return { loaded: true };
      } catch (error) {
        const typed = error as { code?: string; reason?: string };
        return { code: typed.code, reason: typed.reason };
      }
    });
    expect(blocked).toEqual({ code: 'storage', reason: 'blocked' });

    await other.evaluate(() => (window as unknown as { held: IDBDatabase }).held.close());
    const retried = await page.evaluate(async () => {
      const backend = window.persistence.createIndexedDBBackend({
        key: 'k',
        databaseName: 'blocked-test',
      });
      // The blocked upgrade from before may still complete first; bounded retries.
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          await backend.save({ meta: { revision: '1', schemaVersion: 1, savedAt: 0 }, data: 1 });
          return (await backend.load())?.meta.revision;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      return 'never worked';
    });
    expect(retried).toBe('1');
  });

  it('IndexedDB closes its connection when another tab upgrades the database', async () => {
    await inPage(page, 'idb', 'k', `await backend.save(arg);`, record('1'));
    const [other] = (await openTabs(context, server.url, 1)) as [Page];
    const upgraded = await other.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const request = indexedDB.open('backends-test', 50);
          request.onblocked = () => resolve('blocked');
          request.onsuccess = () => {
            request.result.close();
            resolve('upgraded');
          };
          request.onerror = () => resolve(String(request.error));
        }),
    );
    expect(upgraded).toBe('upgraded');
    // And the first tab reopens the database at the new version on its next operation.
    const revision = await inPage<string>(
      page,
      'idb',
      'k',
      `return (await backend.load()).meta.revision;`,
    );
    expect(revision).toBe('1');
  });

  it('localStorage: watch() hears what another tab saved (the storage event)', async () => {
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      window.persistence
        .createLocalStorageBackend({ key: 'watched' })
        .watch?.((stored) => seen.push(stored.meta.revision));
    });
    const [other] = (await openTabs(context, server.url, 1)) as [Page];
    await other.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await inPage(other, 'local', 'watched', `await backend.save(arg);`, record('12'));
    await inPage(other, 'local', 'unwatched', `await backend.save(arg);`, record('13'));
    await waitFor(
      async () =>
        (await page.evaluate(() => (window as unknown as { seen: string[] }).seen.length)) > 0,
      { timeoutMs: 5_000, message: 'the storage event in the first tab' },
    );
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      '12',
    ]);
  });
});
