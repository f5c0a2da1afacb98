// create-statesync as a user runs it from this clone: each template is created in a temporary
// folder with the packed tarballs (npm run pack), installed from the npm registry (through the
// npm cache), built with its own `npm run build` (tsc, then Vite), served on 127.0.0.1 and opened
// in two Chromium tabs, where an item added in each tab must show up in both.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, type TemplateName } from '../packages/create-statesync/src/index.js';
import { PACKS_DIR, packAll } from '../scripts/pack.mjs';
import {
  openTabs,
  type StaticServer,
  serveStatic,
  useBrowserSuite,
  waitFor,
  waitForConvergence,
} from './harness/index.js';

const TEMPLATES: readonly TemplateName[] = [
  'react-shared-worker',
  'vue-shared-tab',
  'vanilla-revision-sync',
  'tauri-pinia',
];
const INSTALL_TIMEOUT_MS = 8 * 60_000;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs npm in `cwd` with none of the calling npm's settings (npm test sets npm_* variables). */
function runNpm(cwd: string, args: string[]): Promise<void> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );
  return new Promise((done, fail) => {
    const child = spawn(npm, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_TIMEOUT_MS);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) done();
      else fail(new Error(`npm ${args.join(' ')} in ${cwd} exited with ${code}:\n${output}`));
    });
  });
}

let workspace: string;
const installed = new Map<TemplateName, Promise<string>>();

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'create-statesync-'));
  packAll({ log: () => {} });
  for (const template of TEMPLATES) {
    // Installs are mostly waiting on the network and the disk: all at once. Builds are not.
    const dir = join(workspace, template);
    const project = createProject({ dir, template, packs: PACKS_DIR }).then(async () => {
      await runNpm(dir, ['install', '--prefer-offline', '--no-audit', '--no-fund']);
      return dir;
    });
    project.catch(() => {}); // heard by the test of that template
    installed.set(template, project);
  }
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(installed.values());
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

const items = (page: Page) => page.locator('[data-testid="item"]').allTextContents();

async function add(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="new-item"]').fill(text);
  await page.locator('[data-testid="add"]').click();
}

/** Waits, where the page shows a sync state, until it is synced: writes before are not queued. */
async function synced(page: Page): Promise<void> {
  const state = page.locator('[data-testid="state"]');
  if ((await state.count()) === 0) return;
  await waitFor(async () => ((await state.textContent()) === 'synced' ? true : undefined), {
    message: `${page.url()} to be synced`,
  });
}

for (const template of TEMPLATES) {
  describe(`create-statesync --template ${template}`, () => {
    let dist: string | undefined;
    beforeAll(async () => {
      const dir = await installed.get(template)!;
      await runNpm(dir, ['run', 'build']);
      dist = join(dir, 'dist');
    }, INSTALL_TIMEOUT_MS + 120_000);

    const suite = useBrowserSuite<StaticServer>(() => serveStatic({ root: dist! }));

    it('installs, builds, and two tabs show what either adds', async () => {
      const tabs = (await openTabs(suite.context, suite.server.url, 2)) as [Page, Page];
      for (const tab of tabs) await synced(tab);
      await add(tabs[0], 'milk');
      await waitForConvergence(tabs, items, { until: (shown) => shown.join() === 'milk' });
      await add(tabs[1], 'eggs');
      const shown = await waitForConvergence(tabs, items, {
        until: (list) => list.length === 2,
      });
      expect(shown).toEqual(['milk', 'eggs']);
      if (template === 'react-shared-worker') {
        // The worker Vite emitted runs: the tabs found it instead of electing one of them.
        const modes = await Promise.all(
          tabs.map((tab) => tab.locator('[data-testid="mode"]').textContent()),
        );
        expect(modes).toEqual(['SharedWorker', 'SharedWorker']);
      }
    });
  });
}
