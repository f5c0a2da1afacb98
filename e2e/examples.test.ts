// The runnable examples, served (or, for the extension, built) exactly as
// `npm run example -- <name>` does it (same bundling, built packages), each driven in real
// Chromium: a change made in one tab or window must show up in the other, with no console error
// anywhere.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BuiltExample, buildExample, startExample } from '../scripts/example.mjs';
import {
  type ExtensionBrowser,
  launchWithExtension,
  watchWorker,
} from './fixtures/shared-extension/driver.js';
import {
  type ConsoleErrors,
  collectConsoleErrors,
  openTabs,
  useBrowserSuite,
  waitFor,
  waitForConvergence,
} from './harness/index.js';

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

    await b.click('[data-testid="theme-dark"]');
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
    await b.click('[data-testid="theme-dark"]');
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

    await c.click('[data-testid="theme-light"]');
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

    // Tab B types a name; tab A's theme change re-renders B before B sends it, and must not
    // wipe what B typed.
    await byTestId(b, 'display-name').fill('Ada');
    await a.click('[data-testid="theme-dark"]');
    await waitFor(async () => (await readTab(b)).theme === 'dark', {
      message: "tab B to show tab A's theme",
    });
    await byTestId(b, 'display-name').press('Enter');

    const view = await waitForConvergence([a, b], readTab, {
      // Synced too: a tab may show the change while its engine still confirms the revision.
      until: (tab) => tab.theme === 'dark' && tab.greeting === 'Ada' && tab.state === 'synced',
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

    // A click, not check(): the box follows the authority's state, which arrives a moment later.
    await byTestId(b, 'todo').getByRole('checkbox').click();
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

    await main.click('[data-testid="theme-dark"]');
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

  it('a slider being dragged stays where it is when another window’s change re-renders it', async () => {
    const [, main, settings] = await openWindows();
    await agree([main, settings], readSettings, synced, 'both windows to sync with the backend');

    // Mid-drag: the slider has moved (an input event) but not been released (no change event).
    const slider = byTestId(settings, 'font-size');
    await slider.evaluate((element: HTMLInputElement) => {
      element.value = '20';
      element.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await main.click('[data-testid="theme-dark"]');
    // The windows differ in the slider's reading here, so only theme and revision must agree.
    await agree(
      [main, settings],
      async (view) => ({ theme: await themeOf(view), revision: await textOf(view, 'revision') }),
      (view) => view.theme === 'dark' && view.revision === '1',
      'both windows to show the dark theme',
    );
    expect(await textOf(main, 'font-size-value')).toBe('14');
    expect(await slider.inputValue()).toBe('20');
    expect(await textOf(settings, 'font-size-value')).toBe('20');

    await slider.dispatchEvent('change');
    const last = await agree(
      [main, settings],
      readSettings,
      (view) => view.revision === '2',
      'both windows to show the released size',
    );
    expect(last).toMatchObject({ state: 'synced', theme: 'dark', fontSize: '20' });
  });
});

describe('examples/browser-extension, loaded unpacked into Chromium', () => {
  let built: BuiltExample | undefined;
  let browser: ExtensionBrowser;
  let consoleErrors: ConsoleErrors;

  beforeAll(async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'statesync-example-extension-'));
    built = await buildExample('browser-extension', { outdir });
  });
  afterAll(async () => {
    if (built) await rm(built.dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    browser = await launchWithExtension(built!.dir);
    consoleErrors = collectConsoleErrors(browser.context);
  });
  afterEach(async () => {
    await browser?.close();
    consoleErrors?.stop();
    consoleErrors?.assertNone();
  });

  /** Opens the extension's popup or options page in a tab, once it is connected. */
  async function open(page: 'popup' | 'options'): Promise<Page> {
    const url = `chrome-extension://${browser.id}/${page}.html`;
    const [tab] = (await openTabs(browser.context, url, 1)) as [Page];
    await waitFor(async () => (await textOf(tab, 'connected')) === 'connected', {
      timeoutMs: 15_000,
      message: `the ${page} page to connect`,
    });
    return tab;
  }

  /** The entries a page lists, as `title: read|unread`. */
  const entriesOf = (page: Page) =>
    byTestId(page, 'entry').evaluateAll((items) =>
      items.map((item) => {
        const title = item.querySelector('[data-testid="entry-title"]')?.textContent;
        const read = item.querySelector<HTMLInputElement>('[data-testid="entry-read"]');
        const state = read
          ? read.checked
            ? 'read'
            : 'unread'
          : item.querySelector('[data-testid="entry-state"]')?.textContent;
        return `${title}: ${state}`;
      }),
    );

  /** Waits until `read` gives `expected` (compared as JSON); the error says what it gave last. */
  async function shows<V>(read: () => Promise<V>, expected: V, message: string): Promise<void> {
    let last: V | undefined;
    try {
      await waitFor(
        async () => {
          last = await read();
          return JSON.stringify(last) === JSON.stringify(expected);
        },
        { timeoutMs: 15_000, message },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last)}`, {
        cause: error,
      });
    }
  }

  async function save(popup: Page, text: string): Promise<void> {
    await byTestId(popup, 'new-entry').fill(text);
    await byTestId(popup, 'add').click();
  }

  const LINK = 'https://example.com/ports';
  const NOTES = 'Notes on runtime ports';

  it('the popup and the options page show the background’s list; a change in one shows in the other', async () => {
    const popup = await open('popup');
    const options = await open('options');
    for (const page of [popup, options]) {
      expect([await textOf(page, 'mode'), await textOf(page, 'role')]).toEqual([
        'Extension',
        'client',
      ]);
    }

    await save(popup, LINK);
    await save(popup, NOTES);
    await shows(
      () => entriesOf(options),
      [`${LINK}: unread`, `${NOTES}: unread`],
      'the options page to list what the popup saved',
    );
    expect(await byTestId(options, 'entry-title').first().getAttribute('href')).toBe(LINK);
    // `added` crossed a JSON port and is still a Date: the page rendered it with toISOString.
    expect(await options.locator('li time').first().getAttribute('datetime')).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );

    await byTestId(popup, 'entry-read').first().click();
    await shows(
      () => entriesOf(options),
      [`${LINK}: read`, `${NOTES}: unread`],
      'the options page to show the entry read',
    );
    expect(await textOf(popup, 'unread')).toBe('1 unread');

    await byTestId(options, 'hide-read').click();
    await shows(() => entriesOf(popup), [`${NOTES}: unread`], 'the popup to hide the read entry');
    expect(await textOf(popup, 'hidden')).toBe('1 read hidden');

    await byTestId(options, 'clear-read').click();
    await shows(() => entriesOf(options), [`${NOTES}: unread`], 'the read entry to be removed');
    await shows(() => textOf(popup, 'hidden'), '', 'the popup to hide nothing any more');

    // An action that throws changes nothing, and the page says why.
    await save(popup, '   ');
    await shows(
      () => textOf(popup, 'error'),
      'an entry needs 1 to 300 characters',
      'the popup to show the refusal',
    );
    expect(await entriesOf(options)).toEqual([`${NOTES}: unread`]);
  });

  it('when the browser stops the background, the pages reconnect and the list kept in IndexedDB goes on', async () => {
    const popup = await open('popup');
    const options = await open('options');
    await save(popup, LINK);
    await save(popup, NOTES);
    await shows(() => entriesOf(options), [`${LINK}: unread`, `${NOTES}: unread`], 'both saved');
    await byTestId(popup, 'entry-read').first().click();
    await byTestId(options, 'hide-read').click();
    await shows(() => entriesOf(popup), [`${NOTES}: unread`], 'the popup to hide the read entry');

    const startedOf = (page: Page) => byTestId(page, 'started').getAttribute('datetime');
    const started = await waitFor(
      async () => {
        const [a, b] = await Promise.all([startedOf(popup), startedOf(options)]);
        return a && a === b ? a : undefined;
      },
      { message: 'both pages to show when the background started' },
    );

    const worker = await watchWorker(options, '/background.js');
    await worker.stopAll();
    for (const page of [popup, options]) {
      await waitFor(
        async () =>
          (await textOf(page, 'connected')) === 'connected' &&
          Number(await textOf(page, 'reconnections')) >= 1 &&
          ((await startedOf(page)) ?? started) !== started,
        { timeoutMs: 15_000, message: `${page.url()} to reconnect to a new background` },
      );
    }
    await waitFor(
      () => worker.statuses.lastIndexOf('running') > worker.statuses.indexOf('stopped'),
      { message: 'the background to run again' },
    );

    // A change after the restart lands on the stored list, not on an empty one.
    await save(popup, 'After the restart');
    const all = [`${LINK}: read`, `${NOTES}: unread`, 'After the restart: unread'];
    await shows(() => entriesOf(options), all, 'the options page to show all three entries');
    await shows(
      () => entriesOf(popup),
      all.filter((entry) => !entry.endsWith(': read')),
      'the popup to show the unread entries',
    );
    expect(await byTestId(options, 'hide-read').isChecked()).toBe(true);

    // A page opened now has nothing but what the restarted background serves.
    const later = await open('popup');
    await shows(
      () => entriesOf(later),
      [`${NOTES}: unread`, 'After the restart: unread'],
      'a new popup to show the list',
    );
    expect(await textOf(later, 'hidden')).toBe('1 read hidden');
    expect(await textOf(later, 'reconnections')).toBe('0');
    await worker.detach();
  });
});
