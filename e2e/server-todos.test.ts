// examples/server-todos as `npm run example -- server-todos` serves it: a redis-server and two
// @statesync/server processes started by the example, and pages in two browser profiles.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startExample } from '../scripts/example.mjs';
import { useBrowserSuite, waitFor } from './harness/index.js';

const items = (page: Page) =>
  page.$$eval('#todos li', (entries) => entries.map((entry) => entry.textContent ?? ''));

const add = async (page: Page, text: string) => {
  await page.fill('#add input', text);
  await page.press('#add input', 'Enter');
};

describe('examples/server-todos', () => {
  const suite = useBrowserSuite(() => startExample('server-todos'));

  it('two browser profiles share one list through the server', async () => {
    const other = await suite.browser.newContext();
    try {
      const a = await suite.context.newPage();
      const b = await other.newPage();
      await a.goto(suite.server.url);
      await b.goto(suite.server.url);
      await add(a, 'from a');
      await add(b, 'from b');
      const both = ['○ from a', '○ from b'];
      for (const page of [a, b]) {
        await waitFor(
          async () => JSON.stringify((await items(page)).sort()) === JSON.stringify(both),
          {
            timeoutMs: 20_000,
            message: 'both profiles to show both to-dos',
          },
        );
      }
      // A toggle in one shows in the other.
      await a.click('#todos li:has-text("from b")');
      await waitFor(async () => (await items(b)).includes('✓ from b'), {
        message: 'b to show the toggle',
      });
      expect(await items(a)).toEqual(await items(b));
    } finally {
      await other.close();
    }
  });
});
