// @statesync/shared in real tabs: the authority runs in a SharedWorker, every tab is a client
// that renders its mirror and calls actions with spawn. Pages, worker and bindings are the
// built packages, bundled as an app would bundle them (fixtures/shared/server.ts).
import { describe, expect, it } from 'vitest';
import {
  openTab,
  readView,
  renderCounts,
  renderedCounts,
  settle,
  type Tab,
  useSharedSuite,
  waitForCount,
} from './fixtures/shared/driver.js';
import { MISSING_WORKER } from './fixtures/shared/server.js';
import { waitFor, waitForConvergence } from './harness/index.js';

/** Waits until every tab shows `count` and holds the same mirrors; resolves with the view. */
function converge(tabs: readonly Tab[], count: number) {
  return waitForConvergence(
    tabs.map((tab) => tab.page),
    async (page) => {
      const tab = tabs.find((candidate) => candidate.page === page) as Tab;
      const { shown, counter, board } = await readView(tab);
      return { shown: shown.count, counter, board };
    },
    { until: (view) => view.shown === String(count), message: `every tab to show ${count}` },
  );
}

const increase = (tab: Tab, by = 1) => tab.page.evaluate((n) => window.sharedPage.increase(n), by);
const diagnostics = (tab: Tab) => tab.page.evaluate(() => window.sharedPage.diagnostics());

describe('@statesync/shared with a SharedWorker authority, in Chromium', () => {
  const suite = useSharedSuite();

  it('three tabs count together; spawn resolves once the caller shows its own write', async () => {
    const { context, server } = suite;
    const tabs = [
      await openTab(context, server),
      await openTab(context, server),
      await openTab(context, server),
    ];
    for (const tab of tabs) expect((await readView(tab)).mode).toBe('SharedWorker');
    expect(server.requests('/worker.js')).toBeGreaterThanOrEqual(1);

    // One at a time: each call's value is the new count, and the caller's mirror and screen
    // already show it when the promise resolves.
    let expected = 0;
    for (const tab of tabs) {
      const outcome = await increase(tab);
      expected += 1;
      expect(outcome).toMatchObject({ value: expected, shown: String(expected) });
      expect(outcome.mirror.count).toBe(expected);
    }
    await converge(tabs, 3);

    // All at once: each call ran once, on one authority.
    const outcomes = await Promise.all(tabs.map((tab) => increase(tab, 1)));
    expect(outcomes.map((outcome) => outcome.value).sort()).toEqual([4, 5, 6]);
    for (const outcome of outcomes) {
      // Read your writes: never behind the value the call returned.
      expect(outcome.mirror.count).toBeGreaterThanOrEqual(outcome.value);
      expect(Number(outcome.shown)).toBeGreaterThanOrEqual(outcome.value);
    }
    const common = await converge(tabs, 6);
    const worker = await diagnostics(tabs[0] as Tab);
    expect(common.counter).toEqual(worker.counter);
    expect(worker.counter).toEqual({ count: 6 });
    expect(worker.problems).toEqual([]);
  });

  it('a tab opened later renders the current state on its first render', async () => {
    const { context, server } = suite;
    const tabs = [await openTab(context, server), await openTab(context, server)];
    const [a, b] = tabs as [Tab, Tab];
    for (let i = 0; i < 5; i++) await increase(i % 2 ? b : a);
    await a.page.evaluate(() => window.sharedPage.setNote('written before d came'));
    await converge(tabs, 5);

    const late = await openTab(context, server);
    const view = await waitForCount(late, 5);
    const rendered = await renderedCounts(late);
    // Never 0, never an intermediate count: the full state came before the first render.
    expect(rendered[0]).toBe(5);
    expect(rendered.every((count) => count === 5)).toBe(true);
    expect(view.board.note).toBe('written before d came');
    expect(view.shown.note).toBe('written before d came');

    // And it takes part like the others.
    expect((await increase(late)).value).toBe(6);
    await converge([...tabs, late], 6);
  });

  it('a tab closed while its call is in flight leaves the other tabs and the worker working', async () => {
    const { context, server } = suite;
    // The first tab started the SharedWorker; it is the one that leaves.
    const tabs = [
      await openTab(context, server),
      await openTab(context, server),
      await openTab(context, server),
    ];
    const [leaving, a, b] = tabs as [Tab, Tab, Tab];
    await increase(a);
    await converge(tabs, 1);

    // Its call enters the action, which waits on the gate: the call is in flight.
    await leaving.page.evaluate(() => window.sharedPage.startGatedNote('/gate?id=l', 'leaving'));
    await waitFor(() => server.gateReached('l'), {
      timeoutMs: 10_000,
      message: "the worker to run the leaving tab's call",
    });
    // a and b call meanwhile; their calls wait behind it in the worker.
    const fromA = increase(a);
    const fromB = b.page.evaluate(() => window.sharedPage.setNote('from b'));
    await leaving.page.close();
    server.openGate('l');

    const [outcomeA, outcomeB] = await Promise.all([fromA, fromB]);
    expect(outcomeA.value).toBe(2);
    expect(outcomeA.mirror.count).toBe(2);
    // b's call reached the worker after the closed tab's, so it ran after it: the note is b's.
    expect(outcomeB.value).toBe('from b');
    expect(outcomeB.mirror.note).toBe('from b');
    const common = await converge([a, b], 2);
    expect(common.board.note).toBe('from b');

    // Still one working authority: more calls, a new tab, no errors inside the worker.
    expect((await increase(b, 10)).value).toBe(12);
    const d = await openTab(context, server);
    await converge([a, b, d], 12);
    const worker = await diagnostics(d);
    expect(worker.counter).toEqual({ count: 12 });
    expect(worker.board.note).toBe('from b');
    expect(worker.problems).toEqual([]);
  });

  it('a worker script that does not load makes the tabs fall back to SharedTab mode, with a warning', async () => {
    const { context, server } = suite;
    const a = await openTab(context, server, 'plain', { worker: MISSING_WORKER });
    expect(server.requests(MISSING_WORKER)).toBeGreaterThanOrEqual(1);
    expect((await readView(a)).mode).toBe('SharedTab');
    const fallbacks = a.warnings.filter((text) => text.includes('falling back to'));
    expect(fallbacks).toHaveLength(1);
    const warning = fallbacks[0];
    expect(warning).toContain('falling back to SharedTab mode');
    expect(warning).toContain('[app=shared-e2e]');
    expect(warning).toContain(MISSING_WORKER);

    // The tab leads: same API, same read-your-writes.
    expect(await increase(a, 2)).toMatchObject({ value: 2, mirror: { count: 2 }, shown: '2' });
    expect((await a.page.evaluate(() => window.sharedPage.setNote('elected'))).value).toBe(
      'elected',
    );
    // A second such tab follows the first: the state is still shared.
    const b = await openTab(context, server, 'plain', { worker: MISSING_WORKER });
    expect((await readView(b)).mode).toBe('SharedTab');
    expect((await increase(b)).value).toBe(3);
    await waitForCount(a, 3);
  });

  it('a React page and a Vue page on one authority render through their bindings', async () => {
    const { context, server } = suite;
    const react = await openTab(context, server, 'react');
    const vue = await openTab(context, server, 'vue');
    for (const tab of [react, vue]) {
      expect(await readView(tab)).toMatchObject({
        mode: 'SharedWorker',
        shown: { count: '0', title: 'untitled', note: '' },
      });
    }
    const initial = { count: 1, title: 1, note: 1 };
    expect(await renderCounts(react)).toEqual(initial);
    expect(await renderCounts(vue)).toEqual(initial);

    // A click in React updates Vue, and the other way round.
    await react.page.click('#increase', { timeout: 5_000 });
    await waitForCount(vue, 1);
    await waitForCount(react, 1);
    await vue.page.click('#increase', { timeout: 5_000 });
    await waitForCount(react, 2);
    await waitForCount(vue, 2);
    await Promise.all([settle(react), settle(vue)]);
    // Only the component that reads the count rendered again, once per change.
    const afterCounts = { count: 3, title: 1, note: 1 };
    expect(await renderCounts(react)).toEqual(afterCounts);
    expect(await renderCounts(vue)).toEqual(afterCounts);

    // A change to the board's note, made in Vue: React's Note renders, Title (same store, other
    // field) and Count (other store) do not.
    await vue.page.evaluate(() => window.sharedBindings.setNote('hello from vue'));
    for (const tab of [react, vue]) {
      await waitFor(async () => (await readView(tab)).shown.note === 'hello from vue', {
        message: `the ${tab.kind} page to show the note`,
      });
    }
    await Promise.all([settle(react), settle(vue)]);
    const afterNote = { count: 3, title: 1, note: 2 };
    expect(await renderCounts(react)).toEqual(afterNote);
    expect(await renderCounts(vue)).toEqual(afterNote);

    // And the title, made in React.
    await react.page.evaluate(() => window.sharedBindings.setTitle('plans'));
    for (const tab of [react, vue]) {
      await waitFor(async () => (await readView(tab)).shown.title === 'plans', {
        message: `the ${tab.kind} page to show the title`,
      });
    }
    await Promise.all([settle(react), settle(vue)]);
    const afterTitle = { count: 3, title: 2, note: 2 };
    expect(await renderCounts(react)).toEqual(afterTitle);
    expect(await renderCounts(vue)).toEqual(afterTitle);

    // Development builds of both frameworks ran: React's errors fail the test through the
    // console watcher, Vue's warnings are checked here.
    expect(vue.warnings.filter((text) => text.includes('[Vue warn]'))).toEqual([]);
    const worker = await react.page.evaluate(() => window.sharedBindings.diagnostics());
    expect(worker).toMatchObject({
      counter: { count: 2 },
      board: { title: 'plans', note: 'hello from vue' },
      problems: [],
    });
  });
});
