// @statesync/shared over window and worker links in real Chromium: a page runs the authority
// and its iframes and the windows it opens are clients, admitted by origin; and a page whose
// authority runs in a dedicated Worker. Two loopback ports give two origins.
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Origin, startWindowServers } from './fixtures/shared-window/server.js';
import type { ChildFixture, ParentFixture } from './fixtures/shared-window/types.js';
import { useBrowserSuite, waitFor } from './harness/index.js';

type ChildView = ReturnType<ChildFixture['view']>;
type ParentView = ReturnType<ParentFixture['view']>;

describe('@statesync/shared over window and worker links, in Chromium', () => {
  const suite = useBrowserSuite(startWindowServers);

  async function openParent(server: Origin, allow: string[]): Promise<Page> {
    const page = await suite.context.newPage();
    const url = new URL('/parent.html', server.url);
    for (const origin of allow) url.searchParams.append('allow', origin);
    await page.goto(url.href, { waitUntil: 'load', timeout: 30_000 });
    await waitFor(() => page.evaluate(() => window.windowParent !== undefined), {
      message: 'the parent page to start',
    });
    return page;
  }

  const parentView = (page: Page): Promise<ParentView> =>
    page.evaluate(() => window.windowParent!.view());

  function childURL(server: Origin, parent: Origin, timeoutMs?: number): string {
    const url = new URL('/child.html', server.url);
    url.searchParams.set('parent', parent.origin);
    if (timeoutMs !== undefined) url.searchParams.set('timeout', String(timeoutMs));
    return url.href;
  }

  async function addFrame(parent: Page, src: string): Promise<Frame> {
    await parent.evaluate((url) => window.windowParent!.addFrame(url), src);
    const frame = parent.frames().find((candidate) => candidate.url() === src);
    if (!frame) throw new Error(`no frame of ${src}`);
    return frame;
  }

  /** Waits until the child's app is ready or failed, and resolves with its view. */
  const settled = (child: Frame | Page) =>
    waitFor(
      async () => {
        const view: ChildView | undefined = await child.evaluate(() => window.windowChild?.view());
        return view && view.state !== 'connecting' ? view : undefined;
      },
      { timeoutMs: 15_000, message: 'the child to connect or give up' },
    );

  const parentShows = (page: Page, count: number) =>
    waitFor(
      async () => {
        const view = await parentView(page);
        return view.count === count && view.shown === String(count) ? view : undefined;
      },
      { message: `the parent to show ${count}` },
    );

  const childShows = (child: Frame | Page, count: number) =>
    waitFor(
      async () => {
        const view = await child.evaluate(() => window.windowChild!.view());
        return view.count === count && view.shown === String(count) ? view : undefined;
      },
      { message: `the child to show ${count}` },
    );

  const increase = (child: Frame | Page, by: number) =>
    child.evaluate((n) => window.windowChild!.increase(n), by);

  it('a same-origin iframe attaches to the parent authority; both show every change', async () => {
    const { a } = suite.server;
    const parent = await openParent(a, [a.origin]);
    const frame = await addFrame(parent, childURL(a, a));
    expect(await settled(frame)).toMatchObject({ state: 'ready', count: 0, shown: '0' });

    // Read your writes in the frame, and the parent's own state is the result.
    expect(await increase(frame, 2)).toEqual({ value: 2, count: 2, shown: '2' });
    await parentShows(parent, 2);
    // A change made by the parent reaches the frame.
    expect(await parent.evaluate(() => window.windowParent!.increase(3))).toBe(5);
    await childShows(frame, 5);
    expect(await parentView(parent)).toMatchObject({ connections: 1, refusals: [] });
  });

  it('an iframe of an origin not allowed is refused, reported, and changes nothing', async () => {
    const { a, b } = suite.server;
    const parent = await openParent(a, [a.origin]);
    const stranger = await addFrame(parent, childURL(b, a, 1_000));
    // Never answered: the frame gives up when its own start timeout passes.
    expect(await settled(stranger)).toMatchObject({ state: 'failed', failure: 'timeout' });
    expect(await parentView(parent)).toEqual({
      count: 0,
      shown: '0',
      connections: 0,
      refusals: [{ origin: b.origin, code: 'origin_rejected' }],
    });

    // The parent still serves frames it allows.
    const friend = await addFrame(parent, childURL(a, a));
    expect(await settled(friend)).toMatchObject({ state: 'ready' });
    expect((await increase(friend, 1)).value).toBe(1);
    expect(await parentView(parent)).toMatchObject({ count: 1, connections: 1 });
    expect((await parentView(parent)).refusals).toHaveLength(1);
  });

  it('a cross-origin iframe whose origin is allowed works like a same-origin one', async () => {
    const { a, b } = suite.server;
    const parent = await openParent(a, [a.origin, b.origin]);
    const frame = await addFrame(parent, childURL(b, a));
    expect(await settled(frame)).toMatchObject({ state: 'ready' });
    expect(await frame.evaluate(() => location.origin)).toBe(b.origin);
    expect(await increase(frame, 7)).toEqual({ value: 7, count: 7, shown: '7' });
    await parentShows(parent, 7);
    await parent.evaluate(() => window.windowParent!.increase(1));
    await childShows(frame, 8);
    expect(await parentView(parent)).toMatchObject({ connections: 1, refusals: [] });
  });

  it('a detached window attaches; once closed, the parent frees its link', async () => {
    const { a } = suite.server;
    const parent = await openParent(a, [a.origin]);
    const [popup] = await Promise.all([
      parent.waitForEvent('popup', { timeout: 15_000 }),
      parent.evaluate((url) => window.windowParent!.openWindow(url), childURL(a, a)),
    ]);
    expect(await settled(popup)).toMatchObject({ state: 'ready' });
    expect(await increase(popup, 4)).toEqual({ value: 4, count: 4, shown: '4' });
    await parentShows(parent, 4);
    expect((await parentView(parent)).connections).toBe(1);

    // Closed without a word: the parent learns it from the window's Web Lock.
    await popup.close();
    await waitFor(async () => (await parentView(parent)).connections === 0, {
      message: 'the parent to drop the closed window',
    });
    expect(await parent.evaluate(() => window.windowParent!.increase(1))).toBe(5);
    expect(await parentView(parent)).toMatchObject({ count: 5, shown: '5', refusals: [] });
  });

  it('a page runs its authority in a dedicated Worker and renders what its actions do', async () => {
    const { a } = suite.server;
    const page = await suite.context.newPage();
    await page.goto(new URL('/worker.html', a.url).href, { waitUntil: 'load', timeout: 30_000 });
    await waitFor(() => page.evaluate(() => window.workerPage?.view().ready === true), {
      timeoutMs: 15_000,
      message: 'the worker page to be ready',
    });
    expect(await page.evaluate(() => window.workerPage!.view())).toMatchObject({
      count: 0,
      shown: '0',
      workerErrors: [],
    });

    expect(await page.evaluate(() => window.workerPage!.increase(2))).toEqual({
      value: 2,
      count: 2,
      shown: '2',
    });
    const together = await page.evaluate(() =>
      Promise.all([1, 1, 1].map((by) => window.workerPage!.increase(by))),
    );
    expect(together.map((outcome) => outcome.value)).toEqual([3, 4, 5]);
    for (const outcome of together) expect(outcome.count).toBeGreaterThanOrEqual(outcome.value);
    expect(await page.evaluate(() => window.workerPage!.report())).toEqual({
      inWorker: true,
      count: 5,
      problems: [],
    });
    expect(await page.evaluate(() => window.workerPage!.view())).toMatchObject({
      count: 5,
      shown: '5',
    });
  });
});
