import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConsoleErrors,
  collectConsoleErrors,
  launchBrowser,
  openTabs,
  type StaticServer,
  serveStatic,
  waitFor,
  waitForConvergence,
} from './harness/index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

describe('serveStatic', () => {
  it('serves files and routes on 127.0.0.1, and refuses paths outside the root', async () => {
    const server = await serveStatic({
      root: fixtures,
      routes: { 'GET /api/ping': (_request, response) => void response.end('pong') },
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await (await fetch(new URL('api/ping', server.url))).text()).toBe('pong');
      const page = await fetch(new URL('channel.html', server.url));
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('BroadcastChannel');
      expect((await fetch(new URL('missing.html', server.url))).status).toBe(404);
      expect((await fetch(new URL('..%2fpackage.json', server.url))).status).toBe(403);
    } finally {
      await server.close();
      await server.close();
    }
  });
});

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    await expect(waitFor(() => ++calls >= 3 && calls, { intervalMs: 1 })).resolves.toBe(3);
  });

  it('gives up after its timeout and says what it waited for', async () => {
    await expect(
      waitFor(() => false, { timeoutMs: 50, intervalMs: 10, message: 'the impossible' }),
    ).rejects.toThrow(/the impossible not met within 50 ms/);
  });
});

describe('browser harness', () => {
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let consoleErrors: ConsoleErrors;

  beforeAll(async () => {
    server = await serveStatic({ root: fixtures });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    consoleErrors = collectConsoleErrors(context, { allow: ['expected by the test'] });
  });
  afterEach(async () => {
    await context.close();
    consoleErrors.stop();
  });

  it('opens tabs that share one BroadcastChannel', async () => {
    const tabs = await openTabs(context, new URL('channel.html', server.url).href, 3);
    const [first] = tabs;
    await first!.evaluate(() => (window as unknown as { say(text: string): void }).say('hello'));
    const others = tabs.slice(1);
    const seen = await waitForConvergence(others, (page) => page.textContent('#last'), {
      until: (text) => text === 'hello',
      timeoutMs: 5_000,
    });
    expect(seen).toBe('hello');
    consoleErrors.assertNone();
  });

  it('records console errors and uncaught exceptions unless allowed', async () => {
    const [page] = await openTabs(context, new URL('channel.html', server.url).href, 1);
    await page!.evaluate(() => {
      console.error('expected by the test');
      console.error('something broke');
      setTimeout(() => {
        throw new Error('uncaught in a timer');
      });
    });
    await waitFor(() => consoleErrors.errors.length >= 2, { timeoutMs: 5_000 });
    expect(consoleErrors.errors.join('\n')).toContain('something broke');
    expect(consoleErrors.errors.join('\n')).toContain('uncaught in a timer');
    expect(consoleErrors.errors.join('\n')).not.toContain('expected by the test');
    expect(() => consoleErrors.assertNone()).toThrow(/Unexpected browser errors \(2\)/);
  });
});
