import type { BrowserContext, Page } from 'playwright-core';

/**
 * Opens `count` pages on `url` in one browser context, so they share an origin's
 * BroadcastChannel, storage, IndexedDB and Web Locks like tabs of one browser profile.
 * Resolves once every page has fired `load`.
 */
export async function openTabs(
  context: BrowserContext,
  url: string,
  count: number,
): Promise<Page[]> {
  if (!Number.isInteger(count) || count < 1 || count > 16) {
    throw new RangeError(`openTabs: count must be an integer from 1 to 16, got ${count}`);
  }
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    pages.push(page);
    await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  }
  return pages;
}
