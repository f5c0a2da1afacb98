// Optimistic actions in real tabs: the authority runs in a SharedWorker, held inside an action
// (`waitGate`) until the test opens its gate, so what a tab shows "before the authority's
// answer" is a state the test holds, not a race. Pages and worker are the built packages,
// bundled as an app would bundle them (fixtures/shared/server.ts).
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useSharedSuite } from './fixtures/shared/driver.js';
import type { TasksState } from './fixtures/shared/optimistic-app.js';
import type { SharedServer } from './fixtures/shared/server.js';
import { waitFor, waitForConvergence } from './harness/index.js';

async function openTab(context: BrowserContext, server: SharedServer): Promise<Page> {
  const page = await context.newPage();
  await page.goto(new URL('/optimistic.html', server.url).href, { waitUntil: 'load' });
  await waitFor(() => page.evaluate(() => window.optimisticPage?.ready === true), {
    timeoutMs: 15_000,
    message: 'the optimistic page to be ready',
  });
  return page;
}

const start = (page: Page, key: string, action: string, args: string[]) =>
  page.evaluate(
    ([key, action, args]) => window.optimisticPage.start(key, action as 'add', args as string[]),
    [key, action, args] as const,
  );
const state = (page: Page) => page.evaluate(() => window.optimisticPage.state());
const outcome = (page: Page, key: string) =>
  page.evaluate((key) => window.optimisticPage.outcome(key), key);
const pending = (page: Page, key: string) =>
  page.evaluate((key) => window.optimisticPage.pending(key), key);
const history = (page: Page) => page.evaluate(() => window.optimisticPage.history());

/** Holds the authority inside `waitGate` until `server.openGate(gate)`. */
async function holdAuthority(page: Page, server: SharedServer, gate: string) {
  await start(page, `hold-${gate}`, 'waitGate', [`/gate?id=${gate}`]);
  await waitFor(() => server.gateReached(gate), {
    timeoutMs: 10_000,
    message: `the authority to wait at gate ${gate}`,
  });
}

function converge(pages: readonly Page[], until: (view: TasksState) => boolean, what: string) {
  return waitForConvergence(pages, state, { until, message: what });
}

describe('optimistic actions with a SharedWorker authority, in Chromium', () => {
  const suite = useSharedSuite();

  it('the calling tab shows an optimistic call before the authority answers; the others after', async () => {
    const { context, server } = suite;
    const [a, b] = [await openTab(context, server), await openTab(context, server)];
    await holdAuthority(b, server, 'g1');

    // The authority is inside waitGate: nothing it answers can have arrived.
    const shown = await start(a, 'milk', 'add', ['milk']);
    expect(shown.items).toEqual(['milk']);
    const plain = await start(a, 'eggs', 'addPlain', ['eggs']);
    expect(plain.items).toEqual(['milk']);
    expect(await pending(a, 'milk')).toBe(true);
    expect((await state(b)).items).toEqual([]);
    expect((await state(a)).items).toEqual(['milk']);

    server.openGate('g1');
    expect(await outcome(a, 'milk')).toMatchObject({ value: 1 });
    expect(await outcome(a, 'eggs')).toMatchObject({ value: 2 });
    await converge([a, b], (view) => view.items.length === 2, 'both tabs to hold milk and eggs');
    expect((await state(a)).items).toEqual(['milk', 'eggs']);
    // The guess was never counted twice, and never taken back.
    for (const view of await history(a)) {
      expect(view.items).toEqual(['milk', 'eggs'].slice(0, view.items.length));
      expect(view.items.length).toBeGreaterThan(0);
    }
  });

  it('a call the authority rejects is rolled back in the calling tab, and no tab keeps it', async () => {
    const { context, server } = suite;
    const pages = [await openTab(context, server), await openTab(context, server)];
    const [a, b] = pages as [Page, Page];
    await holdAuthority(b, server, 'g2');

    // The authority will run the reservation first: the guess of take('x') is wrong.
    await start(a, 'reserve', 'reserve', ['x']);
    const guessed = await start(a, 'take', 'take', ['x']);
    expect(guessed).toMatchObject({ reserved: [], taken: ['x'] });
    expect(await state(b)).toMatchObject({ reserved: [], taken: [] });

    server.openGate('g2');
    const taken = await outcome(a, 'take');
    expect(taken.error).toBe('remote');
    // Rolled back by the time the caller hears of it.
    expect(taken.shown.taken).toEqual([]);
    await converge(
      pages,
      (view) => view.reserved.length === 1,
      'every tab to hold the reservation',
    );
    for (const page of pages)
      expect(await state(page)).toMatchObject({ reserved: ['x'], taken: [] });
    const seen = await history(a);
    expect(seen.some((view) => view.taken.includes('x'))).toBe(true);
    expect(seen.at(-1)).toMatchObject({ reserved: ['x'], taken: [] });
    // The other tab never showed the guess.
    expect((await history(b)).some((view) => view.taken.includes('x'))).toBe(false);
  });
});
