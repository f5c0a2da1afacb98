// @statesync/shared in SharedTab mode, in real Chromium tabs: the tabs elect a leader with Web
// Locks; when it closes, another takes over with the newest state, and every call in flight is
// sent again with its id and applied exactly once. Also the Auto ladder.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type SharedSuite, useSharedSuite } from './fixtures/shared/driver.js';
import type { SharedServer } from './fixtures/shared/server.js';
import { waitFor } from './harness/index.js';

const TRIALS = 20;
const TABS = 4;
/** TRIALS failovers take about a minute on a quiet machine: room for a loaded one. */
const LOOP_TIMEOUT_MS = 240_000;

async function openTabPage(
  context: BrowserContext,
  server: SharedServer,
  query = 'type=SharedTab',
) {
  const page = await context.newPage();
  await page.goto(new URL(`/tab.html?${query}`, server.url).href, { timeout: 30_000 });
  await waitFor(() => page.evaluate(() => window.tabPage?.ready === true), {
    timeoutMs: 15_000,
    message: 'the SharedTab page to be ready',
  });
  return page;
}

const statusOf = (page: Page) => page.evaluate(() => window.tabPage.status());

/** The tab that leads now, once exactly one does and every other follows it, connected. */
async function waitForLeader(pages: readonly Page[], timeoutMs = 10_000) {
  let last: unknown;
  try {
    return await waitForLeaderOnce(pages, timeoutMs, (statuses) => {
      last = statuses;
    });
  } catch (error) {
    const problems = await Promise.all(
      pages.map((page) => page.evaluate(() => window.tabPage.problems())),
    );
    throw new Error(
      `${(error as Error).message}; tabs: ${JSON.stringify(last)}; problems: ${JSON.stringify(problems)}`,
    );
  }
}

function waitForLeaderOnce(
  pages: readonly Page[],
  timeoutMs: number,
  seen: (statuses: unknown) => void,
) {
  return waitFor(
    async () => {
      const statuses = await Promise.all(pages.map(statusOf));
      seen(statuses);
      const leaders = statuses.filter((status) => status.role === 'leader');
      const epochs = new Set(statuses.map((status) => status.epoch));
      // Connected to the leader is not enough: until a tab's first snapshot from it, its
      // mirror still shows the last leader's epoch.
      const settled = statuses.every(
        (status) => status.connected && status.synced && status.mode === 'SharedTab',
      );
      if (leaders.length !== 1 || epochs.size !== 1 || !settled) return undefined;
      return pages[statuses.indexOf(leaders[0]!)]!;
    },
    { timeoutMs, message: 'one leader tab, followed by every other tab' },
  );
}

/** How a leader tab goes: closed, or its renderer crashed (no unload, no goodbye). */
type Ending = (page: Page) => Promise<void>;

const close: Ending = (page) => page.close();

const crash: Ending = async (page) => {
  const crashed = new Promise<void>((resolve) => page.once('crash', () => resolve()));
  const session = await page.context().newCDPSession(page);
  // The renderer dies before it can answer: the command never settles.
  session.send('Page.crash').catch(() => {});
  await crashed;
  await page.close().catch(() => {});
};

/**
 * TABS tabs calling without pause while the leader goes TRIALS times (a new tab joins after
 * each): every acknowledged call is applied exactly once, and every leader starts a new epoch.
 */
async function survivesLeaders(suite: SharedSuite, end: Ending) {
  const { context, server } = suite;
  const pages: Page[] = [];
  for (let i = 0; i < TABS; i++) pages.push(await openTabPage(context, server));
  let leader = await waitForLeader(pages);
  const epochs = new Set([(await statusOf(leader)).epoch]);
  const acked: string[] = [];
  let tabNumber = 0;
  const start = (page: Page) =>
    page.evaluate((prefix) => window.tabPage.startCalls(prefix), `tab${tabNumber++}`);
  for (const page of pages) await start(page);

  for (let trial = 0; trial < TRIALS; trial++) {
    // Let calls flow, then end the leader in the middle of them.
    const before = await leader.evaluate(() => window.tabPage.applied().length);
    await waitFor(
      async () =>
        (await leader.evaluate(() => window.tabPage.applied().length)) >= before + 5 || undefined,
      { timeoutMs: 10_000, message: 'calls to flow before closing the leader' },
    );
    acked.push(...(await leader.evaluate(() => window.tabPage.acked())));
    pages.splice(pages.indexOf(leader), 1);
    await end(leader);
    leader = await waitForLeader(pages);
    const { epoch } = await statusOf(leader);
    expect(epochs.has(epoch), 'every leader starts a new epoch').toBe(false);
    epochs.add(epoch);
    // A call made now is served by the new leader.
    await leader.evaluate((id) => window.tabPage.record(id), `probe-${trial}`);
    acked.push(`probe-${trial}`);
    const fresh = await openTabPage(context, server);
    pages.push(fresh);
    await start(fresh);
  }

  for (const page of pages) acked.push(...(await page.evaluate(() => window.tabPage.stopCalls())));
  const failed = (
    await Promise.all(pages.map((page) => page.evaluate(() => window.tabPage.failed())))
  ).flat();
  expect(failed).toEqual([]);
  // Every tab ends with the same journal, in which no call appears twice and every
  // acknowledged call appears.
  const journals = await waitFor(
    async () => {
      const all = await Promise.all(
        pages.map((page) => page.evaluate(() => window.tabPage.applied())),
      );
      return all.every((journal) => journal.length === all[0]!.length) ? all : undefined;
    },
    { timeoutMs: 10_000, message: 'every tab to hold the same journal' },
  );
  for (const journal of journals) expect(journal).toEqual(journals[0]);
  const applied = journals[0]!;
  expect(new Set(applied).size).toBe(applied.length);
  const missing = acked.filter((id) => !applied.includes(id));
  expect(missing).toEqual([]);
  expect(acked.length).toBeGreaterThan(TRIALS * 5);
  expect(epochs.size).toBe(TRIALS + 1);
  const problems = (
    await Promise.all(pages.map((page) => page.evaluate(() => window.tabPage.problems())))
  ).flat();
  expect(problems.filter((line) => line.startsWith('error'))).toEqual([]);
}

describe('@statesync/shared in SharedTab mode, in Chromium', () => {
  const suite = useSharedSuite();

  it(
    `${TABS} tabs calling without pause survive ${TRIALS} leader closes: each call applied exactly once`,
    () => survivesLeaders(suite, close),
    LOOP_TIMEOUT_MS,
  );

  it(
    `${TABS} tabs calling without pause survive ${TRIALS} leader crashes: each call applied exactly once`,
    async () => {
      // The crashes themselves are what the test does; any other browser error still fails it.
      suite.expectConsoleErrors(/^the page crashed$/);
      await survivesLeaders(suite, crash);
    },
    LOOP_TIMEOUT_MS,
  );

  it('Auto picks SharedTab when SharedWorker is deleted before start, and SharedWorker when it exists', async () => {
    const { context, server } = suite;
    const withoutWorker = await openTabPage(context, server, 'type=Auto&noSharedWorker');
    const second = await openTabPage(context, server, 'type=Auto&noSharedWorker');
    const leader = await waitForLeader([withoutWorker, second]);
    expect((await statusOf(leader)).mode).toBe('SharedTab');
    expect(await second.evaluate(() => window.tabPage.record('a'))).toBe(1);
    expect(await withoutWorker.evaluate(() => window.tabPage.applied())).toEqual(['a']);
    // No warning: choosing by feature detection is not a failure.
    expect(await withoutWorker.evaluate(() => window.tabPage.problems())).toEqual([]);

    const withWorker = await openTabPage(context, server, 'type=Auto');
    expect(await statusOf(withWorker)).toMatchObject({ mode: 'SharedWorker', role: 'client' });
    expect(server.requests('/worker.js')).toBeGreaterThanOrEqual(1);
  });
});
