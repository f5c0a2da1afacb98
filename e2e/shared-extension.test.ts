// @statesync/shared in a real Manifest V3 extension loaded into Chromium: the background
// service worker is the authority, options pages and a content script are its clients, linked
// by runtime ports. The background is then stopped through the DevTools protocol, as the
// browser stops an idle worker, and the clients must notice and reconnect.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BuiltExtension, buildExtension } from './fixtures/shared-extension/build.js';
import {
  type Client,
  type ExtensionBrowser,
  launchWithExtension,
  openOptions,
  openWebPage,
  waitForCount,
  watchWorker,
} from './fixtures/shared-extension/driver.js';
import {
  type ConsoleErrors,
  collectConsoleErrors,
  type StaticServer,
  serveStatic,
  waitFor,
} from './harness/index.js';

const WEB_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>web page</title></head>
<body><h1>a web page with the extension's content script</h1></body></html>
`;

const increase = (client: Client, by: number) =>
  client.page.evaluate((n) => window.statesyncClient.increase(n), by);
const authority = (client: Client) =>
  client.page.evaluate(() => window.statesyncClient.authority());

describe('@statesync/shared in a Chromium extension (background worker authority)', () => {
  let extension: BuiltExtension;
  let web: StaticServer;
  let browser: ExtensionBrowser;
  let consoleErrors: ConsoleErrors;

  beforeAll(async () => {
    extension = await buildExtension();
    web = await serveStatic({
      routes: {
        'GET /': (_request, response) => {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          response.end(WEB_PAGE);
        },
      },
    });
  });
  afterAll(async () => {
    await web?.close();
    await extension?.remove();
  });
  beforeEach(async () => {
    browser = await launchWithExtension(extension.dir);
    consoleErrors = collectConsoleErrors(browser.context);
  });
  afterEach(async () => {
    await browser?.close();
    consoleErrors?.stop();
    consoleErrors?.assertNone();
  });

  it('two options pages and a content script share the background state, Dates and Maps included', async () => {
    const a = await openOptions(browser);
    const b = await openOptions(browser);
    const content = await openWebPage(browser, web.url);

    expect(await increase(a, 2)).toBe(2);
    await waitForCount(b, 2);
    await waitForCount(content, 2);

    // An action that returns nothing resolves with undefined over a JSON port too.
    expect(await a.page.evaluate(() => window.statesyncClient.touch())).toBeUndefined();

    await content.page.click('#statesync-increase');
    const atB = await waitForCount(b, 3);
    await waitForCount(a, 3);
    expect(atB.byCount).toEqual([
      [2, 'options'],
      [3, 'content'],
    ]);
    expect(atB.changedIsDate).toBe(true);
    for (const client of [a, b, content]) {
      expect(await client.view()).toMatchObject({ losses: [], links: 1 });
    }
    expect(await authority(a)).toMatchObject({ count: 3, problems: [] });
  });

  it('notices when the browser stops the background, reconnects, wakes it and keeps working', async () => {
    const a = await openOptions(browser);
    const b = await openOptions(browser);
    const content = await openWebPage(browser, web.url);
    expect(await increase(a, 5)).toBe(5);
    for (const client of [b, content]) await waitForCount(client, 5);
    const before = await authority(a);

    const worker = await watchWorker(a.page, '/background.js');
    await worker.stopAll();
    // Every client's port closed: each reports the loss and links again, which starts the
    // background worker again.
    const relinked = await Promise.all(
      [a, b, content].map((client) =>
        waitFor(
          async () => {
            const view = await client.view();
            return view.ready && view.links >= 2 ? view : undefined;
          },
          { timeoutMs: 15_000, message: `${client.page.url()} to link again` },
        ),
      ),
    );
    for (const view of relinked) {
      expect(view.losses.length).toBe(view.links - 1);
      expect(view.losses[0]).toBe('the other end of the port disconnected');
    }
    await waitFor(
      () => worker.statuses.lastIndexOf('running') > worker.statuses.indexOf('stopped'),
      {
        message: 'the background to run again',
      },
    );
    const after = await authority(b);
    expect(after.boot).not.toBe(before.boot);
    // Recovered from IndexedDB, not reset.
    expect(after.count).toBe(before.count);
    expect(after.problems).toEqual([]);

    // Calls work again, from every kind of client, and every client converges on the
    // restarted authority's state.
    const next = await increase(b, 1);
    expect(next).toBe(after.count + 1);
    await content.page.click('#statesync-increase');
    for (const client of [a, b, content]) await waitForCount(client, next + 1);
    expect(await authority(a)).toMatchObject({ boot: after.boot, count: next + 1 });
    await worker.detach();
  });
});
