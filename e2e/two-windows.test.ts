import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DemoServer, startDemoServer } from '../examples/two-windows/server.mjs';
import {
  type ConsoleErrors,
  collectConsoleErrors,
  launchBrowser,
  openTabs,
  waitFor,
  waitForConvergence,
} from './harness/index.js';

/** What a window shows: the status line and the applied settings. */
const readWindow = (page: Page) =>
  page.evaluate(() => ({
    state: document.querySelector('[data-testid="state"]')?.textContent,
    revision: document.querySelector('[data-testid="revision"]')?.textContent,
    theme: document.documentElement.dataset.theme,
    name: document.querySelector('[data-testid="greeting-name"]')?.textContent,
  }));

describe('two-windows demo', () => {
  let server: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  let consoleErrors: ConsoleErrors;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoServer({ port: 0 }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    consoleErrors = collectConsoleErrors(context);
  });
  afterEach(async () => {
    // Close the pages before anything else so no event stream sees the server go away.
    await context.close();
    consoleErrors.stop();
    consoleErrors.assertNone();
  });

  it('a change in one window shows up in the other, and survives a reload', async () => {
    const [a, b] = (await openTabs(context, server.url, 2)) as [Page, Page];
    const initial = await waitForConvergence([a, b], readWindow, {
      until: (view) => view.state === 'synced',
      message: 'both windows to sync',
    });
    const before = server.authority.getData().theme;
    expect(initial).toMatchObject({ revision: server.authority.getRevision(), theme: before });
    const theme = before === 'dark' ? 'light' : 'dark';

    await a.check(`[data-testid="theme-${theme}"]`);

    await waitFor(async () => (await readWindow(b)).theme === theme, {
      timeoutMs: 10_000,
      message: `window B to show the ${theme} theme`,
    });
    const after = await waitForConvergence([a, b], readWindow, {
      until: (view) => view.state === 'synced' && view.theme === theme,
      message: 'both windows to agree on the new revision',
    });
    expect(after.revision).toBe(server.authority.getRevision());
    expect(BigInt(after.revision ?? '0')).toBeGreaterThan(BigInt(initial.revision ?? '0'));

    await b.reload({ waitUntil: 'load' });
    const reloaded = await waitFor(
      async () => {
        const view = await readWindow(b);
        return view.state === 'synced' && view;
      },
      { timeoutMs: 10_000, message: 'window B to sync after reload' },
    );
    expect(reloaded).toMatchObject({ theme, revision: after.revision });
    expect(server.authority.getData().theme).toBe(theme);
  });

  it('a change made on the server reaches every open window', async () => {
    const pages = await openTabs(context, server.url, 2);
    await waitForConvergence(pages, readWindow, { until: (view) => view.state === 'synced' });

    const event = server.authority.update((settings) => ({ ...settings, displayName: 'Ada' }));

    const view = await waitForConvergence(pages, readWindow, {
      until: (v) => v.name === 'Ada',
      message: 'every window to greet Ada',
    });
    expect(view.revision).toBe(event.revision);
  });
});
