// An existing Zustand store and an existing Pinia store, shared in one call each with their
// actions hosted by a SharedWorker, in Chromium: two tabs mirror the worker's store, an action
// called in one tab runs in the worker, and both tabs show its result.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startBindersServer } from './fixtures/shared-binders/server.js';
import type { BinderView } from './fixtures/shared-binders/stores.js';
import { openTabs, useBrowserSuite, waitForConvergence } from './harness/index.js';

const view = (page: Page): Promise<BinderView> => page.evaluate(() => window.binder.view());
const add = (page: Page, text: string) => page.evaluate((t) => window.binder.add(t), text);

describe('sharing an existing store through a SharedWorker, in Chromium', () => {
  const suite = useBrowserSuite(startBindersServer);

  for (const library of ['zustand', 'pinia']) {
    it(`${library}: two tabs mirror the store whose actions run in the worker`, async () => {
      const tabs = (await openTabs(suite.context, `${suite.server.url}${library}.html`, 2)) as [
        Page,
        Page,
      ];
      const start = await waitForConvergence(tabs, view, { until: (v) => v.ready });
      expect(start).toEqual({
        ready: true,
        mode: 'SharedWorker',
        fallback: null,
        items: [],
        ranIn: '',
      });

      // The call resolves once the calling tab shows the change.
      await add(tabs[0], 'milk');
      expect(await view(tabs[0])).toMatchObject({ items: ['milk'] });
      await add(tabs[1], 'bread');
      const end = await waitForConvergence(tabs, view, { until: (v) => v.items.length === 2 });
      expect(end).toEqual({
        ready: true,
        mode: 'SharedWorker',
        fallback: null,
        items: ['milk', 'bread'],
        ranIn: 'SharedWorkerGlobalScope',
      });
    });
  }
});
