// @statesync/shared with a service worker as the authority, in Chromium: every tab posts to the
// worker (no MessagePorts, which die with a stopped worker) and the worker answers each tab's
// Client. The worker is then stopped through the DevTools protocol, as the browser stops an
// idle one; the next message wakes it, and the tabs must notice the restart and reconnect.
import { describe, expect, it } from 'vitest';
import {
  type Client,
  openClient,
  waitForCount,
  watchWorker,
} from './fixtures/shared-extension/driver.js';
import { startServiceWorkerServer } from './fixtures/shared-service-worker/server.js';
import { useBrowserSuite, waitFor } from './harness/index.js';

const increase = (client: Client, by: number) =>
  client.page.evaluate((n) => window.statesyncClient.increase(n), by);
const authority = (client: Client) =>
  client.page.evaluate(() => window.statesyncClient.authority());

describe('@statesync/shared with a service worker authority, in Chromium', () => {
  const suite = useBrowserSuite(startServiceWorkerServer);

  it('two tabs share the worker state; the first one before the worker controls it', async () => {
    const { context, server } = suite;
    const a = await openClient(context, server.url);
    // The first tab registered the worker: it talks to it before being controlled.
    const b = await openClient(context, server.url);
    expect(await b.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    expect(await increase(a, 2)).toBe(2);
    await waitForCount(b, 2);
    expect(await increase(b, 3)).toBe(5);
    const atA = await waitForCount(a, 5);
    expect(atA.byCount).toEqual([
      [2, 'page'],
      [5, 'page'],
    ]);
    expect(atA.changedIsDate).toBe(true);
    expect(await b.page.evaluate(() => window.statesyncClient.touch())).toBeUndefined();
    for (const client of [a, b]) {
      expect(await client.view()).toMatchObject({ losses: [], links: 1 });
    }
    expect(await authority(a)).toMatchObject({ count: 5, problems: [] });
  });

  it('a stopped worker is woken by the next call; every tab notices the restart and reconnects', async () => {
    const { context, server } = suite;
    const a = await openClient(context, server.url);
    const b = await openClient(context, server.url);
    expect(await increase(a, 4)).toBe(4);
    await waitForCount(b, 4);
    const before = await authority(b);

    const worker = await watchWorker(a.page, '/sw.js');
    await worker.stopAll();
    // Nothing is open between the tabs and a stopped worker: nobody notices yet.
    for (const client of [a, b]) expect((await client.view()).losses).toEqual([]);

    // The next message starts the worker again. The call that woke it went to the old link:
    // it settles.
    const waking = await a.page.evaluate(() =>
      window.statesyncClient.increase(1).then(
        (value) => ({ value }),
        (error: { code?: string }) => ({ code: error.code }),
      ),
    );
    // The worker recovered its state from IndexedDB, and the call that woke it was held while
    // the state loaded, then applied: it resolves with the next count, not with a reset one.
    expect(waking).toEqual({ value: before.count + 1 });
    await waitFor(
      () => worker.statuses.lastIndexOf('running') > worker.statuses.indexOf('stopped'),
      { message: 'the worker to run again' },
    );
    // The waking tab hears that the worker does not know its link; the other one that the
    // worker restarted. Each links again once.
    const relinked = await Promise.all(
      [a, b].map((client) =>
        waitFor(
          async () => {
            const view = await client.view();
            return view.ready && view.links === 2 ? view : undefined;
          },
          { timeoutMs: 15_000, message: 'the tab to link again' },
        ),
      ),
    );
    for (const view of relinked) {
      expect(view.losses).toHaveLength(1);
      expect(view.losses[0]).toMatch(/^the service worker (restarted|does not know this link)/);
    }
    const after = await authority(a);
    expect(after.boot).not.toBe(before.boot);
    expect(after.problems).toEqual([]);

    // Calls work again from both tabs, and both converge on the restarted worker's state.
    expect(after.count).toBe(before.count + 1);
    const next = await increase(b, 1);
    expect(next).toBe(after.count + 1);
    expect(await increase(a, 1)).toBe(next + 1);
    for (const client of [a, b]) await waitForCount(client, next + 1);
    await worker.detach();
  });
});
