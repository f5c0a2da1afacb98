// The bundler recipes of docs/guide/recipes.md, built for real: Vite, webpack 5 and esbuild each
// build the fixture of e2e/fixtures/bundlers (pages, a SharedWorker, a service worker and an
// extension's background) against the built packages. Two Chromium tabs must share the store
// through the SharedWorker and through the service worker; the extension's background must be a
// module with all of its code (a service worker may not import()), and its popup must not load
// the authority.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLERS, buildRecipe, type RecipeBuild } from './fixtures/bundlers/build.js';
import {
  openTabs,
  type StaticServer,
  serveStatic,
  useBrowserSuite,
  waitForConvergence,
} from './harness/index.js';

/** Source paths only an authority needs. */
const AUTHORITY = ['/mutative/', 'shared/dist/authority/'];
const DYNAMIC_IMPORT = /\bimport\s*\(/;

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'bundlers-'));
});
afterAll(async () => {
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

const textOf = async (page: Page, id: string) => (await page.locator(`#${id}`).textContent()) ?? '';
const read = async (page: Page) => ({
  mode: await textOf(page, 'mode'),
  count: await textOf(page, 'count'),
});
const whoRuns = (page: Page) =>
  page.evaluate(() => (window as unknown as { whoRuns(): Promise<string> }).whoRuns());

/** Two tabs on `url`: they start at 0, a click in one shows 1 in both; returns the mode shown. */
async function twoTabsShare(
  suite: { context: import('playwright-core').BrowserContext },
  url: string,
) {
  const tabs = (await openTabs(suite.context, url, 2)) as [Page, Page];
  await waitForConvergence(tabs, read, { until: (view) => view.count === '0' });
  await tabs[0].locator('#increase').click();
  const view = await waitForConvergence(tabs, read, { until: (v) => v.count === '1' });
  return { mode: view.mode, worker: await whoRuns(tabs[1]) };
}

for (const bundler of Object.keys(BUNDLERS)) {
  describe(`the ${bundler} recipe`, () => {
    let outDir: string | undefined;
    let built: RecipeBuild | undefined;
    beforeAll(async () => {
      outDir = join(workspace, bundler.replace(/\W+/g, '-'));
      built = await buildRecipe(bundler, outDir);
    }, 180_000);
    const suite = useBrowserSuite<StaticServer>(() => serveStatic({ root: outDir! }));
    const output = (file: string) => readFile(join(outDir!, file), 'utf8');

    it('emits the SharedWorker as an ES module that two tabs share', async () => {
      const worker = await output('worker.js');
      expect(worker).toContain('import.meta');
      expect(worker).not.toContain('importScripts');
      // The action ran in the worker, which read its own module URL.
      expect(await twoTabsShare(suite, suite.server.url)).toEqual({
        mode: 'SharedWorker',
        worker: '/worker.js',
      });
    });

    it('emits a service worker whole, at the root, that two tabs share', async () => {
      const sw = await output('sw.js');
      expect(sw).toContain('import.meta');
      expect(sw).not.toMatch(DYNAMIC_IMPORT);
      expect(await twoTabsShare(suite, `${suite.server.url}sw.html`)).toEqual({
        mode: 'ServiceWorker',
        worker: '/sw.js',
      });
    });

    it("emits the extension's background whole as a module, and a popup without the authority", async () => {
      const manifest = JSON.parse(await output('manifest.json'));
      expect(manifest.background).toEqual({ service_worker: 'background.js', type: 'module' });
      const background = await output('background.js');
      expect(background).toContain('import.meta');
      expect(background).not.toMatch(DYNAMIC_IMPORT);
      expect(background).not.toContain('importScripts');
      const loaded = (inputs: string[], parts = AUTHORITY) =>
        parts.filter((part) => inputs.some((input) => input.replaceAll('\\', '/').includes(part)));
      // The popup can reach the authority's code (behind an import()), but never loads it.
      expect(loaded(built!.allInputs('popup'))).toEqual(AUTHORITY);
      expect(loaded(built!.staticInputs('popup'))).toEqual([]);
      // What it loads is seen down to the packages' files.
      expect(loaded(built!.staticInputs('popup'), ['src/popup.js', 'shared/dist/'])).toEqual([
        'src/popup.js',
        'shared/dist/',
      ]);
    });
  });
}
