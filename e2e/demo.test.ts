// The demo `npm start` serves (demo/, built by `npm run build`), in Chromium: tabs, a detached
// panel and an iframe, all clients of one SharedWorker, through the same server as `npm start`.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startDemoServer } from '../demo/server.mjs';
import { openTabs, useBrowserSuite, waitFor, waitForConvergence } from './harness/index.js';

const SCREENSHOT = fileURLToPath(new URL('./screenshots/demo.png', import.meta.url));

/** What one window shows: its to-do list, its theme and its status strip. */
interface View {
  items: { text: string; done: boolean }[];
  theme: string | undefined;
  workspace: string | undefined;
  kind: string | undefined;
  role: string | undefined;
  mode: string | undefined;
  todosRevision: string | undefined;
  settingsRevision: string | undefined;
  settingsEpoch: string | undefined;
  latency: string | undefined;
}

const readView = (frame: Frame): Promise<View> =>
  frame.evaluate(() => {
    const text = (testId: string) =>
      document.querySelector(`[data-testid="${testId}"]`)?.textContent ?? undefined;
    return {
      items: [...document.querySelectorAll<HTMLElement>('[data-testid="todo-item"]')].map(
        (item) => ({
          text: item.querySelector('[data-testid="todo-text"]')?.textContent ?? '',
          done: item.dataset.done === 'true',
        }),
      ),
      theme: document.documentElement.dataset.theme,
      workspace: text('workspace'),
      kind: text('status-kind'),
      role: document.querySelector<HTMLElement>('[data-testid="status-role"]')?.dataset.role,
      mode: document.querySelector<HTMLElement>('[data-testid="status-mode"]')?.dataset.mode,
      todosRevision: text('status-to-dos-revision'),
      settingsRevision: text('status-settings-revision'),
      settingsEpoch: document.querySelector<HTMLElement>('[data-testid="status-settings-revision"]')
        ?.dataset.epoch,
      latency: text('status-latency'),
    };
  });

/** The shared part of a view: what every window must agree on. */
const common = ({ items, theme, workspace, todosRevision, settingsRevision }: View) => ({
  items,
  theme,
  workspace,
  todosRevision,
  settingsRevision,
});

const synced = (view: View) =>
  view.mode === 'SharedWorker' &&
  view.role === 'client' &&
  /^\d+$/.test(view.todosRevision ?? '') &&
  /^\d+$/.test(view.settingsRevision ?? '');

async function addTodo(page: Page, text: string): Promise<void> {
  await page.fill('[data-testid="todo-input"]', text);
  await page.click('[data-testid="todo-add"]');
}

/** Waits until `frame` (an iframe or a popup) shows what `expected` holds. */
function waitForSame(frame: Frame, expected: ReturnType<typeof common>, message: string) {
  return waitFor(
    async () => {
      const view = await readView(frame);
      const same = JSON.stringify(common(view)) === JSON.stringify(expected);
      return synced(view) && same ? view : undefined;
    },
    { timeoutMs: 15_000, message },
  );
}

describe('the demo served by npm start', () => {
  // Fails with "the demo is not built ... run npm run build" when demo/dist is missing.
  const suite = useBrowserSuite(() => startDemoServer({ port: 0 }));

  it('tabs, a detached panel and an iframe share one to-do list and one set of settings', async () => {
    const { context, server } = suite;
    const tabs = await openTabs(context, server.url, 3);
    const [a, b, c] = tabs as [Page, Page, Page];
    const view = (page: Page) => readView(page.mainFrame());

    const start = await waitForConvergence(tabs, async (page) => common(await view(page)), {
      timeoutMs: 15_000,
      message: 'three tabs to show the same list',
    });
    for (const page of tabs) {
      const shown = await view(page);
      expect(shown).toMatchObject({ mode: 'SharedWorker', role: 'client', kind: 'main window' });
    }

    // Each tab adds one to-do; every tab ends with all three, in the same order.
    const added = ['Buy oat milk', 'Book the venue', 'Send the invitations'];
    await addTodo(a, added[0] as string);
    await addTodo(b, added[1] as string);
    await addTodo(c, added[2] as string);
    const afterAdd = await waitForConvergence(tabs, async (page) => common(await view(page)), {
      until: (shown) => added.every((text) => shown.items.some((item) => item.text === text)),
      message: 'every tab to show the three new to-dos',
    });
    expect(afterAdd.items).toHaveLength(start.items.length + 3);
    expect(afterAdd.items.slice(-3).map((item) => item.text)).toEqual(added);
    expect(BigInt(afterAdd.todosRevision ?? '0')).toBe(BigInt(start.todosRevision ?? '0') + 3n);

    // Toggling in one tab shows in the others.
    await b.click('[data-testid="todo-item"]:has-text("Buy oat milk") input[type="checkbox"]');
    const afterToggle = await waitForConvergence(tabs, async (page) => common(await view(page)), {
      until: (shown) => shown.items.some((item) => item.text === 'Buy oat milk' && item.done),
      message: 'every tab to show "Buy oat milk" done',
    });
    expect(afterToggle.items.filter((item) => item.done).map((item) => item.text)).toEqual([
      'Buy oat milk',
    ]);
    expect((await view(b)).latency).toMatch(/^\d+\.\d ms \(to-do: request → shown here\)$/);

    // A settings change (theme, then the workspace name) in one tab re-themes the other two.
    const theme = start.theme === 'dark' ? 'light' : 'dark';
    await c.check(`[data-testid="theme-${theme}"]`);
    await c.fill('[data-testid="workspace-name"]', 'Launch party');
    await c.press('[data-testid="workspace-name"]', 'Enter');
    const afterSettings = await waitForConvergence(tabs, async (page) => common(await view(page)), {
      until: (shown) => shown.theme === theme && shown.workspace === 'Launch party',
      message: `every tab to use the ${theme} theme and the new workspace name`,
    });
    expect(BigInt(afterSettings.settingsRevision ?? '0')).toBeGreaterThan(
      BigInt(start.settingsRevision ?? '0'),
    );
    expect(await a.title()).toBe('Launch party · statesync demo');

    // An iframe client, added with the button, is one more client of the same authority.
    await a.click('[data-testid="add-frame"]');
    const iframe = await (
      await a.waitForSelector('[data-testid="frame-client"] iframe')
    ).contentFrame();
    if (!iframe) throw new Error('the iframe client has no frame');
    const framed = await waitForSame(iframe, afterSettings, 'the iframe to show the same state');
    expect(framed).toMatchObject({ kind: 'iframe', role: 'client', mode: 'SharedWorker' });

    // A detached panel (its own window) adds a to-do; the tabs and the iframe see it.
    const [panel] = await Promise.all([
      context.waitForEvent('page', { timeout: 15_000 }),
      b.click('[data-testid="detach-panel"]'),
    ]);
    await panel.waitForLoadState('load', { timeout: 15_000 });
    expect(new URL(panel.url()).pathname).toBe('/panel.html');
    const panelView = await waitForSame(
      panel.mainFrame(),
      afterSettings,
      'the detached panel to show the same state',
    );
    expect(panelView.kind).toBe('detached panel');
    await addTodo(panel, 'Order the cake');
    const afterPanel = await waitForConvergence(tabs, async (page) => common(await view(page)), {
      until: (shown) => shown.items.some((item) => item.text === 'Order the cake'),
      message: 'every tab to show the to-do the panel added',
    });
    await waitForSame(iframe, afterPanel, 'the iframe to show the to-do the panel added');
    expect(afterPanel.items.at(-1)?.text).toBe('Order the cake');

    // The settings are stored: a reloaded tab shows them, and IndexedDB holds them.
    await c.reload({ waitUntil: 'load' });
    await waitForConvergence(tabs, async (page) => common(await view(page)), {
      until: (shown) => shown.theme === theme && shown.items.length === afterPanel.items.length,
      message: 'the reloaded tab to agree with the others',
    });
    const stored = await c.evaluate(
      () =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open('statesync-demo');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result
              .transaction('snapshots')
              .objectStore('snapshots')
              .get('settings');
            request.onerror = () => reject(request.error);
            request.onsuccess = () => {
              open.result.close();
              resolve(request.result);
            };
          };
        }),
    );
    expect(stored).toMatchObject({ data: { theme, workspace: 'Launch party' } });

    // The whole page in one viewport, so the status strip sits at its end in the picture.
    const height = await a.evaluate(() => document.documentElement.scrollHeight);
    await a.setViewportSize({ width: 1280, height: Math.min(height, 4000) });
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await a.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('the settings outlive the worker: a new one starts from what the windows stored', async () => {
    const { browser, context, server } = suite;
    const [first] = (await openTabs(context, server.url, 1)) as [Page];
    await waitFor(async () => synced(await readView(first.mainFrame())), {
      timeoutMs: 15_000,
      message: 'the tab to sync',
    });
    await first.check('[data-testid="theme-dark"]');
    await first.fill('[data-testid="workspace-name"]', 'Kept across restarts');
    await first.press('[data-testid="workspace-name"]', 'Enter');
    const before = await waitFor(
      async () => {
        const view = await readView(first.mainFrame());
        return view.theme === 'dark' && view.workspace === 'Kept across restarts'
          ? view
          : undefined;
      },
      { message: 'the tab to show its change' },
    );
    await first.close();

    // With its last client gone, the browser ends the SharedWorker: wait until it has.
    const cdp = await browser.newBrowserCDPSession();
    await waitFor(
      async () => {
        const { targetInfos } = (await cdp.send('Target.getTargets')) as {
          targetInfos: { type: string }[];
        };
        return !targetInfos.some((target) => target.type === 'shared_worker');
      },
      { timeoutMs: 15_000, message: 'the SharedWorker to end' },
    );
    await cdp.detach();

    const [second] = (await openTabs(context, server.url, 1)) as [Page];
    const after = await waitFor(
      async () => {
        const view = await readView(second.mainFrame());
        return synced(view) && view.settingsEpoch !== before.settingsEpoch ? view : undefined;
      },
      { timeoutMs: 15_000, message: 'the new tab to sync with a new authority' },
    );
    expect(after).toMatchObject({ theme: 'dark', workspace: 'Kept across restarts' });
    expect(after.settingsRevision).toBe('0'); // a new life of the authority, with the stored data
  });

  it('where SharedWorker is missing, the tabs elect a leader and still share everything', async () => {
    const { browser, server } = suite;
    const context = await browser.newContext();
    try {
      // A browser without SharedWorker (as on Android): Auto picks SharedTab.
      await context.addInitScript(() => {
        delete (globalThis as { SharedWorker?: unknown }).SharedWorker;
      });
      const tabs = (await openTabs(context, server.url, 2)) as [Page, Page];
      const views = await waitFor(
        async () => {
          const both = await Promise.all(tabs.map((page) => readView(page.mainFrame())));
          const roles = both.map((view) => view.role).sort();
          const ok = both.every((view) => view.mode === 'SharedTab');
          return ok && roles.join() === 'client,leader' ? both : undefined;
        },
        { timeoutMs: 15_000, message: 'one leader tab and one client tab' },
      );
      const client = tabs[views.findIndex((view) => view.role === 'client')]!;
      await addTodo(client, 'Elected, not spawned');
      await waitForConvergence(
        tabs,
        async (page) => (await readView(page.mainFrame())).items.map((item) => item.text),
        {
          until: (texts) => texts.includes('Elected, not spawned'),
          timeoutMs: 15_000,
          message: 'both tabs to show the new to-do',
        },
      );
    } finally {
      await context.close();
    }
  });

  it('the server answers with the types module scripts and workers need, and only from dist', async () => {
    const { server } = suite;
    const get = (path: string, method = 'GET') => fetch(new URL(path, server.url), { method });

    const index = await get('/');
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await index.text();
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
    if (!script) throw new Error(`no module script in index.html:\n${html}`);
    const bundle = await get(script);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(bundle.headers.get('x-content-type-options')).toBe('nosniff');
    // The SharedWorker is a bundle of its own, served as JavaScript too.
    const chunks = await Promise.all(
      [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map(async ([, path]) =>
        (await get(path as string)).text(),
      ),
    );
    const worker = /\/assets\/worker-[\w-]+\.js/.exec(chunks.join('\n'))?.[0];
    if (!worker) throw new Error('no worker URL in the bundles');
    expect((await get(worker)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    expect((await get('/panel.html')).status).toBe(200);
    expect((await get('/panel.html', 'HEAD')).status).toBe(200);
    expect((await get('/no-such-page')).status).toBe(404);
    expect((await get('/..%2fpackage.json')).status).toBe(403);
    expect((await get('/', 'POST')).status).toBe(405);
  });

  it('refuses to start without a build, saying what to run', async () => {
    await expect(startDemoServer({ root: '/nonexistent/demo/dist' })).rejects.toThrow(
      /not built.*npm run build/,
    );
  });
});
