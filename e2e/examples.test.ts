// The runnable examples, served exactly as `npm run example -- <name>` serves them (same
// bundling, built packages), each driven in real Chromium: a change made in one tab or window
// must show up in the other, with no console error anywhere.
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startExample } from '../scripts/example.mjs';
import { openTabs, useBrowserSuite, waitFor, waitForConvergence } from './harness/index.js';

type View = Page | Frame;

const byTestId = (view: View, id: string) => view.locator(`[data-testid="${id}"]`);
const textOf = async (view: View, id: string) => (await byTestId(view, id).textContent()) ?? '';
const themeOf = (view: View) => view.evaluate(() => document.documentElement.dataset.theme);

/** The settings examples' common view: status line and applied settings. */
async function readSettings(view: View) {
  return {
    state: await textOf(view, 'state'),
    revision: await textOf(view, 'revision'),
    theme: await themeOf(view),
    fontSize: await textOf(view, 'font-size-value'),
  };
}

const synced = (view: { state: string }) => view.state === 'synced';

/** `waitForConvergence` for frames too: the same value (as JSON) in every view, passing `until`. */
async function agree<V>(
  views: readonly View[],
  read: (view: View) => Promise<V>,
  until: (value: V) => boolean,
  message: string,
): Promise<V> {
  let values: V[] = [];
  try {
    const result = await waitFor(
      async () => {
        values = await Promise.all(views.map(read));
        const first = JSON.stringify(values[0]);
        const same = values.every((value) => JSON.stringify(value) === first);
        return same && until(values[0] as V) ? { value: values[0] as V } : undefined;
      },
      { message },
    );
    return result.value;
  } catch (error) {
    throw new Error(`${(error as Error).message}; values: ${JSON.stringify(values)}`, {
      cause: error,
    });
  }
}

describe('examples/vanilla-tabs', () => {
  const suite = useBrowserSuite(() => startExample('vanilla-tabs'));
  const readTab = async (page: Page) => ({
    ...(await readSettings(page)),
    epoch: await textOf(page, 'epoch'),
  });
  const roles = (pages: Page[]) => Promise.all(pages.map((page) => textOf(page, 'role')));

  it('one tab leads; a change made in the other shows up in both', async () => {
    const [a, b] = (await openTabs(suite.context, suite.server.url, 2)) as [Page, Page];
    const initial = await waitForConvergence([a, b], readTab, {
      until: synced,
      message: 'both tabs to sync with the leader',
    });
    expect(initial).toMatchObject({ revision: '0', theme: 'light', fontSize: '16' });
    expect(await roles([a, b])).toEqual(['leader', 'follower']);

    await b.check('[data-testid="theme-dark"]');
    const dark = await waitForConvergence([a, b], readTab, {
      until: (view) => synced(view) && view.theme === 'dark',
      message: 'both tabs to show the dark theme',
    });
    expect(dark).toMatchObject({ revision: '1', epoch: initial.epoch });

    await byTestId(a, 'font-size').fill('20');
    await waitForConvergence([a, b], readTab, {
      until: (view) => view.fontSize === '20' && view.revision === '2',
      message: 'both tabs to show font size 20',
    });
  });

  it('when the leader tab closes, another tab takes over and keeps the settings', async () => {
    const [a, b] = (await openTabs(suite.context, suite.server.url, 2)) as [Page, Page];
    const before = await waitForConvergence([a, b], readTab, { until: synced });
    await b.check('[data-testid="theme-dark"]');
    await waitForConvergence([a, b], readTab, { until: (view) => view.theme === 'dark' });

    await a.close();
    await waitFor(async () => (await textOf(b, 'role')) === 'leader', {
      message: 'tab B to take over as leader',
    });
    const [c] = (await openTabs(suite.context, suite.server.url, 1)) as [Page];
    const after = await waitForConvergence([b, c], readTab, {
      until: (view) => synced(view) && view.epoch !== before.epoch,
      message: "tabs B and C to follow B's authority",
    });
    expect(after.theme).toBe('dark');
    expect(await roles([b, c])).toEqual(['leader', 'follower']);

    await c.check('[data-testid="theme-light"]');
    await waitForConvergence([b, c], readTab, {
      until: (view) => view.theme === 'light',
      message: 'both tabs to show the change made in tab C',
    });
  });
});

describe('examples/vue-pinia-tabs', () => {
  const suite = useBrowserSuite(() => startExample('vue-pinia-tabs'));
  const readTab = async (page: Page) => ({
    ...(await readSettings(page)),
    greeting: await textOf(page, 'greeting'),
  });

  it('a change in one tab reaches the Pinia store of the other', async () => {
    const [a, b] = (await openTabs(suite.context, suite.server.url, 2)) as [Page, Page];
    await waitForConvergence([a, b], readTab, {
      until: (view) => synced(view) && view.greeting === 'Guest',
      message: 'both tabs to sync',
    });

    await b.check('[data-testid="theme-dark"]');
    await byTestId(b, 'display-name').fill('Ada');
    await byTestId(b, 'display-name').press('Enter');

    const view = await waitForConvergence([a, b], readTab, {
      until: (tab) => tab.theme === 'dark' && tab.greeting === 'Ada',
      message: 'both tabs to show the dark theme and greet Ada',
    });
    expect(view).toMatchObject({ state: 'synced', revision: '2' });
    expect(await byTestId(a, 'display-name').inputValue()).toBe('Ada');
  });

  it('the settings outlive every tab: a tab opened after all were closed shows them', async () => {
    const [a] = (await openTabs(suite.context, suite.server.url, 1)) as [Page];
    await waitFor(async () => synced(await readTab(a)), { message: 'the first tab to sync' });
    await byTestId(a, 'font-size').fill('22');
    await waitFor(async () => (await readTab(a)).fontSize === '22', {
      message: 'the first tab to show font size 22',
    });
    await a.close();

    const [later] = (await openTabs(suite.context, suite.server.url, 1)) as [Page];
    const view = await waitFor(
      async () => {
        const tab = await readTab(later);
        return synced(tab) ? tab : undefined;
      },
      { message: 'the new tab to sync' },
    );
    expect(view.fontSize).toBe('22');
    expect(await textOf(later, 'role')).toBe('leader');
  });
});

describe('examples/react-shared-worker', () => {
  const suite = useBrowserSuite(() => startExample('react-shared-worker'));
  const readTab = async (page: Page) => ({
    mode: await textOf(page, 'mode'),
    todos: (await byTestId(page, 'todo').allTextContents()).map((text) => text.trim()),
    open: await textOf(page, 'open-count'),
  });

  it('a todo added in one tab appears in the other; toggling it there shows here', async () => {
    const [a, b] = (await openTabs(suite.context, suite.server.url, 2)) as [Page, Page];
    await waitForConvergence([a, b], readTab, {
      until: (view) => view.mode === 'SharedWorker' && view.open === '0 open',
      message: 'both tabs to render the worker’s empty list',
    });

    await byTestId(a, 'new-todo').fill('water the plants');
    await byTestId(a, 'add').click();
    const added = await waitForConvergence([a, b], readTab, {
      until: (view) => view.todos.length === 1,
      message: 'both tabs to list the new todo',
    });
    expect(added).toMatchObject({ todos: ['water the plants'], open: '1 open' });

    await byTestId(b, 'todo').getByRole('checkbox').check();
    await waitForConvergence([a, b], readTab, {
      until: (view) => view.open === '0 open',
      message: 'both tabs to show the todo done',
    });
    expect(await byTestId(a, 'todo').getByRole('checkbox').isChecked()).toBe(true);
  });
});

describe('examples/tauri-settings, under Tauri’s mocks', () => {
  const suite = useBrowserSuite(() => startExample('tauri-settings'));

  /** The two simulated Tauri windows, once both frames have loaded. */
  async function openWindows(): Promise<[Page, Frame, Frame]> {
    const [page] = (await openTabs(suite.context, suite.server.url, 1)) as [Page];
    const frames = await waitFor(
      () => {
        const main = page.frame({ name: 'main' });
        const settings = page.frame({ name: 'settings' });
        return main && settings && ([main, settings] as const);
      },
      { message: 'both window frames to exist' },
    );
    return [page, ...frames];
  }

  it('a change in one window shows up in the other, and so does one the backend makes', async () => {
    const [page, main, settings] = await openWindows();
    const initial = await agree(
      [main, settings],
      readSettings,
      synced,
      'both windows to sync with the backend',
    );
    expect(initial).toMatchObject({ revision: '0', theme: 'light', fontSize: '14' });
    expect(await textOf(main, 'window-label')).toBe('main');
    expect(await textOf(settings, 'window-label')).toBe('settings');

    await main.check('[data-testid="theme-dark"]');
    await agree(
      [main, settings],
      readSettings,
      (view) => synced(view) && view.theme === 'dark' && view.revision === '1',
      'both windows to show the dark theme',
    );

    await byTestId(settings, 'font-size').fill('18');
    await agree(
      [main, settings],
      readSettings,
      (view) => view.fontSize === '18' && view.revision === '2',
      'both windows to show font size 18',
    );

    await byTestId(page, 'backend-toggle').click();
    const last = await agree(
      [main, settings],
      readSettings,
      (view) => view.theme === 'light' && view.revision === '3',
      'both windows to follow the backend’s own change',
    );
    expect(last).toMatchObject({ state: 'synced', fontSize: '18' });
  });
});
