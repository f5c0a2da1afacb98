// Redux DevTools for a shared app in Chromium: two windows of one SharedWorker app; the first
// has a stand-in extension speaking the documented `connect` protocol. It records what the
// bridge sends and sends the panel's DISPATCH commands; a jump runs on the authority, so both
// windows follow, and the jump back (or the next call) returns to the live state.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDevtoolsServer } from './fixtures/shared-devtools/server.js';
import {
  type ConsoleErrors,
  collectConsoleErrors,
  launchBrowser,
  type StaticServer,
  waitFor,
} from './harness/index.js';

interface DevtoolsPage {
  ready: boolean;
  readyError: string | undefined;
  status(): { mode: string; role: string; fallback?: { from: string; reason: string } };
  phases(): string[];
  clientId(): string;
  texts(): string[];
  add(text: string): Promise<number>;
  panelTypes(): string[];
  panelSent(): { kind: string; action?: Record<string, unknown>; state?: unknown }[];
  jumpToAction(id: number): void;
  drawPanel(): void;
}
declare global {
  interface Window {
    devtoolsPage: DevtoolsPage;
  }
}

/** Where the Debugging page's screenshot goes: docs, when asked to refresh it; else a temp dir. */
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? join(dirname(fileURLToPath(import.meta.url)), '../docs/guide/devtools-panel.png')
  : join(tmpdir(), 'statesync-devtools-panel.png');

const texts = (page: Page) => page.evaluate(() => window.devtoolsPage.texts());
const add = (page: Page, text: string) => page.evaluate((t) => window.devtoolsPage.add(t), text);

async function open(context: BrowserContext, url: string) {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  await waitFor(() => page.evaluate(() => window.devtoolsPage?.ready), { message: `${url} ready` });
  return page;
}

/** Waits until both windows show `expected`. */
const follow = (pages: Page[], expected: string[], message: string) =>
  waitFor(
    async () => {
      const shown = await Promise.all(pages.map(texts));
      return shown.every((list) => list.join() === expected.join());
    },
    { message },
  );

describe('Redux DevTools bridge of @statesync/shared, in Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let consoleErrors: ConsoleErrors;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDevtoolsServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 900, height: 520 } });
    // The browser's own line for the missing worker script of the fallback test.
    consoleErrors = collectConsoleErrors(context, { allow: [/missing-worker\.js/, /404/] });
  });
  afterEach(async () => {
    await context.close();
    consoleErrors.stop();
    consoleErrors.assertNone();
  });

  it('records every window’s calls, and a jump in the panel moves every window', async () => {
    const a = await open(context, `${server.url}?panel`);
    const b = await open(context, server.url);
    await waitFor(async () => (await a.evaluate(() => window.devtoolsPage.panelSent())).length, {
      message: 'the panel to start',
    });
    await add(a, 'milk');
    await add(b, 'eggs');
    await add(a, 'tea');
    await waitFor(
      async () => (await a.evaluate(() => window.devtoolsPage.panelTypes())).length === 4,
      {
        message: 'three actions in the panel',
      },
    );
    const sent = await a.evaluate(() => window.devtoolsPage.panelSent());
    const [idA, idB] = await Promise.all(
      [a, b].map((page) => page.evaluate(() => window.devtoolsPage.clientId())),
    );
    expect(sent[0]).toEqual({ kind: 'init', state: { items: [] } });
    expect(
      sent
        .slice(1)
        .map((entry) => [entry.action?.type, entry.action?.args, entry.action?.clientId]),
    ).toEqual([
      ['add', ['milk'], idA],
      ['add', ['eggs'], idB],
      ['add', ['tea'], idA],
    ]);
    expect(sent[2]).toMatchObject({
      action: {
        revision: '2',
        patches: [{ op: 'add', path: ['items', 1], value: { id: 2, text: 'eggs', done: false } }],
      },
      state: { items: [{ text: 'milk' }, { text: 'eggs' }] },
    });

    // A jump in A's panel runs on the authority: B, which has no panel, follows.
    await a.evaluate(() => window.devtoolsPage.jumpToAction(1));
    await follow([a, b], ['milk'], 'both windows at the first action');
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    const shot = await a.locator('#panel').screenshot({ path: SCREENSHOT });
    expect(shot.subarray(1, 4).toString()).toBe('PNG');

    await a.evaluate(() => window.devtoolsPage.jumpToAction(0));
    await follow([a, b], [], 'both windows at the start');
    // The last action is the live state.
    await a.evaluate(() => window.devtoolsPage.jumpToAction(3));
    await follow([a, b], ['milk', 'eggs', 'tea'], 'both windows live again');

    // A call while travelling runs on the live state and ends the travel.
    await a.evaluate(() => window.devtoolsPage.jumpToAction(1));
    await follow([a, b], ['milk'], 'both windows travelled again');
    expect(await add(b, 'bread')).toBe(4);
    await follow([a, b], ['milk', 'eggs', 'tea', 'bread'], 'the call on the live state');
    expect(await a.evaluate(() => window.devtoolsPage.panelTypes())).toEqual([
      '@@INIT',
      'add',
      'add',
      'add',
      'add',
    ]);
  });

  it('works the same when an elected tab without a panel is the authority', async () => {
    // The first tab leads; the panel is in a client tab.
    const b = await open(context, `${server.url}?tabs`);
    await waitFor(
      async () => (await b.evaluate(() => window.devtoolsPage.status())).role === 'leader',
      {
        message: 'the first tab to lead',
      },
    );
    const a = await open(context, `${server.url}?tabs&panel`);
    expect(await a.evaluate(() => window.devtoolsPage.status())).toMatchObject({
      mode: 'SharedTab',
      role: 'client',
    });
    await add(b, 'milk');
    await add(a, 'eggs');
    await waitFor(
      async () => (await a.evaluate(() => window.devtoolsPage.panelTypes())).length === 3,
      {
        message: 'two actions in the panel',
      },
    );
    await a.evaluate(() => window.devtoolsPage.jumpToAction(1));
    await follow([a, b], ['milk'], 'both tabs at the first action');
    await a.evaluate(() => window.devtoolsPage.jumpToAction(2));
    await follow([a, b], ['milk', 'eggs'], 'both tabs live again');
  });

  it('a worker script that does not load rejects ready with strict, else falls back loudly', async () => {
    const strict = await context.newPage();
    await strict.goto(`${server.url}?worker=/missing-worker.js`, { waitUntil: 'load' });
    const refusal = await waitFor(() => strict.evaluate(() => window.devtoolsPage?.readyError), {
      message: 'the strict page to reject ready',
    });
    expect(refusal).toMatch(/^SharedWorker mode failed, and share\.strict forbids a fallback: /);
    expect(refusal).toContain('/missing-worker.js');

    const loose = await open(context, `${server.url}?worker=/missing-worker.js&loose`);
    const status = await loose.evaluate(() => window.devtoolsPage.status());
    expect(status.mode).toBe('SharedTab');
    expect(status.fallback).toEqual({
      from: 'SharedWorker',
      reason: expect.stringContaining('/missing-worker.js'),
    });
    expect(await loose.evaluate(() => window.devtoolsPage.phases())).toContain('fallback');
  });
});
