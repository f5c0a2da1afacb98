// The bundler recipes of docs/guide/recipes.md, built for real: webpack 5 and esbuild each build
// the page and its SharedWorker (e2e/fixtures/bundlers) as two ES module entries against the
// built packages. The worker file must be an ES module, and two Chromium tabs must share the
// store through it. (Vite's recipe is built and run by e2e/create-statesync.test.ts.)
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpack from 'webpack';
import esbuildConfig from './fixtures/bundlers/esbuild.config.mjs';
import webpackConfig from './fixtures/bundlers/webpack.config.mjs';
import {
  openTabs,
  type StaticServer,
  serveStatic,
  useBrowserSuite,
  waitForConvergence,
} from './harness/index.js';

const fixture = new URL('./fixtures/bundlers/', import.meta.url);

const BUNDLERS: Record<string, (outDir: string) => Promise<void>> = {
  'webpack 5': (outDir) =>
    new Promise((done, fail) => {
      webpack(webpackConfig(outDir) as webpack.Configuration, (error, stats) => {
        if (error) fail(error);
        else if (stats?.hasErrors()) fail(new Error(stats.toString('errors-only')));
        else done();
      });
    }),
  esbuild: async (outDir) => {
    await build(esbuildConfig(outDir));
  },
};

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'bundlers-'));
});
afterAll(async () => {
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

const textOf = async (page: Page, id: string) => (await page.locator(`#${id}`).textContent()) ?? '';

for (const [bundler, bundle] of Object.entries(BUNDLERS)) {
  describe(`the ${bundler} recipe`, () => {
    let outDir: string | undefined;
    beforeAll(async () => {
      outDir = join(workspace, bundler.replace(/\W+/g, '-'));
      await bundle(outDir);
      await copyFile(new URL('index.html', fixture), join(outDir, 'index.html'));
    }, 120_000);
    const suite = useBrowserSuite<StaticServer>(() => serveStatic({ root: outDir! }));

    it('emits the worker as an ES module that two tabs share', async () => {
      const worker = await readFile(join(outDir!, 'worker.js'), 'utf8');
      expect(worker).toContain('import.meta');
      expect(worker).not.toContain('importScripts');
      const tabs = (await openTabs(suite.context, suite.server.url, 2)) as [Page, Page];
      const read = async (page: Page) => ({
        mode: await textOf(page, 'mode'),
        count: await textOf(page, 'count'),
      });
      await waitForConvergence(tabs, read, { until: (view) => view.count === '0' });
      await tabs[0].locator('#increase').click();
      const view = await waitForConvergence(tabs, read, { until: (v) => v.count === '1' });
      expect(view.mode).toBe('SharedWorker');
      // The action ran in the worker, which read its own module URL.
      expect(
        await tabs[1].evaluate(() =>
          (window as unknown as { whoRuns(): Promise<string> }).whoRuns(),
        ),
      ).toBe('/worker.js');
    });
  });
}
