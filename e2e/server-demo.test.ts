// The demo's server switch, as `npm start` runs it when Redis is installed: the built demo, a
// redis-server and a @statesync/server process for its to-do list, and pages opened on
// `?server=` in two browser profiles, which then share the list (a device alone would not).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startDemoServer } from '../demo/server.mjs';
import { startServerTier } from '../scripts/server-tier.mjs';
import { useBrowserSuite, waitFor } from './harness/index.js';

const texts = (page: Page) =>
  page.$$eval('[data-testid="todo-text"]', (items) => items.map((item) => item.textContent ?? ''));

async function addTodo(page: Page, text: string) {
  await page.fill('[data-testid="todo-input"]', text);
  await page.click('[data-testid="todo-add"]');
}

describe('the demo with its to-do list on the server', () => {
  const suite = useBrowserSuite(async () => {
    const site = await startDemoServer({ port: 0 });
    const tier = await startServerTier({
      entry: 'demo/server-tier.ts',
      origins: [site.url.replace(/\/$/, '')],
    }).catch(async (error: unknown) => {
      await site.close();
      throw error;
    });
    return {
      url: `${site.url}?server=${encodeURIComponent(tier.urls[0]!)}`,
      async close() {
        await site.close();
        await tier.close();
      },
    };
  });

  it('two browser profiles share the to-do list', async () => {
    const other = await suite.browser.newContext();
    try {
      const a = await suite.context.newPage();
      const b = await other.newPage();
      await a.goto(suite.server.url);
      await b.goto(suite.server.url);
      await addTodo(a, 'bought on a');
      await addTodo(b, 'bought on b');
      for (const page of [a, b]) {
        await waitFor(
          async () => {
            const shown = await texts(page);
            return shown.includes('bought on a') && shown.includes('bought on b');
          },
          { timeoutMs: 20_000, message: 'both profiles to show both to-dos' },
        );
      }
      expect(await texts(a)).toEqual(await texts(b));
      // Its mode says where the list lives: a client of the server, not of the device's worker.
      const mode = await a.getAttribute('[data-testid="status-mode"]', 'data-mode');
      expect(mode).toBe('Window');
    } finally {
      await other.close();
    }
  });
});
