// The lifecycle every browser suite shares: one Chromium per test file, and per test a fresh
// server (so the app starts from scratch) and a fresh browser context (so storage and workers
// start empty), with console errors failing the test unless it expects them.
import type { Browser, BrowserContext, LaunchOptions } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type ConsoleErrors, collectConsoleErrors } from './console-errors.js';
import { launchBrowser } from './launch-browser.mjs';

export interface BrowserSuite<Server> {
  readonly browser: Browser;
  readonly server: Server;
  readonly context: BrowserContext;
  /** Console errors the current test expects; anything else still fails it. */
  expectConsoleErrors(...patterns: (string | RegExp)[]): void;
}

/** Registers the hooks of a browser suite; call it at the top of a `describe`. */
export function useBrowserSuite<Server extends { close(): Promise<void> }>(
  startServer: () => Promise<Server>,
  launch: LaunchOptions = {},
): BrowserSuite<Server> {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  let consoleErrors: ConsoleErrors | undefined;
  // Read by the console watcher on every message, so patterns added mid-test count.
  const allowed: (string | RegExp)[] = [];

  beforeAll(async () => {
    browser = await launchBrowser(launch);
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    allowed.length = 0;
    server = await startServer();
    context = await (browser as Browser).newContext();
    consoleErrors = collectConsoleErrors(context, { allow: allowed });
  });
  afterEach(async () => {
    // Pages first, so no page sees the server go away and logs an error.
    await context?.close();
    await server?.close();
    consoleErrors?.stop();
    consoleErrors?.assertNone();
  });

  const need = <V>(value: V | undefined, name: string): V => {
    if (value === undefined) throw new Error(`${name} is only available inside a test`);
    return value;
  };
  return {
    get browser() {
      return need(browser, 'browser');
    },
    get server() {
      return need(server, 'server');
    },
    get context() {
      return need(context, 'context');
    },
    expectConsoleErrors(...patterns) {
      allowed.push(...patterns);
    },
  };
}
