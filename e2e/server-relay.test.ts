// The device relay in Chromium: the windows of one browser profile share one SharedWorker,
// which holds the profile's only WebSocket to @statesync/server (on a real redis-server) and
// relays their calls and the server's changes. A second profile has its own socket.
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStateSyncServer, type StateSyncServer } from '@statesync/server';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todos } from '../examples/server-todos/todos.js';
import { freePort, type RedisProcess, startRedis } from '../packages/server/test/redis-server.js';
import { useBrowserSuite, waitFor } from './harness/index.js';
import { type StaticServer, serveStatic } from './harness/serve-static.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The fixture's page and worker, bundled against the built packages as an app would be. */
async function bundle() {
  const result = await build({
    entryPoints: ['page', 'worker'].map((entry) =>
      join(here, 'fixtures/server-relay', `${entry}.ts`),
    ),
    entryNames: '[name]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: join(here, 'fixtures/server-relay/out'),
    write: false,
    logLevel: 'silent',
  });
  return new Map(
    result.outputFiles.map((file) => [`/${file.path.split(/[\\/]/).pop()}`, file.text]),
  );
}

let redis: RedisProcess;
let server: StateSyncServer;
let wsUrl: string;
/** Every WebSocket upgrade the server saw, in order: one per relay socket. */
const upgrades: Socket[] = [];

async function startSite(): Promise<StaticServer> {
  const assets = await bundle();
  const send =
    (type: string, body: string) =>
    (_request: unknown, response: import('node:http').ServerResponse) => {
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
  const routes = {
    'GET /': send(
      'text/html; charset=utf-8',
      '<!doctype html><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>',
    ),
    'GET /page.js': send('text/javascript', assets.get('/page.js')!),
    'GET /worker.js': send('text/javascript', assets.get('/worker.js')!),
  };
  return serveStatic({ routes });
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await server?.close();
  await redis?.stop();
});

describe('a SharedWorker relays its windows to @statesync/server over one socket', () => {
  const suite = useBrowserSuite(async () => {
    const site = await startSite();
    upgrades.length = 0;
    await server?.close();
    server = createStateSyncServer({
      redisUrl: redis.url,
      app: { name: 'relay-todos', version: '1', stores: [todos] },
      allowedOrigins: [site.url.replace(/\/$/, '')],
    });
    server.http.on('upgrade', (_request, socket: Socket) => upgrades.push(socket));
    wsUrl = `ws://127.0.0.1:${await server.listen(await freePort())}`;
    return site;
  });

  const open = async (context: BrowserContext) => {
    const page = await context.newPage();
    await page.goto(`${suite.server.url}?server=${encodeURIComponent(wsUrl)}`);
    expect(await page.evaluate(() => window.relayPage.ready)).toBe('SharedWorker');
    return page;
  };
  const texts = (page: Page) => page.evaluate(() => window.relayPage.texts());
  const add = (page: Page, text: string) => page.evaluate((t) => window.relayPage.add(t), text);
  const converge = (pages: Page[], expected: string[]) =>
    waitFor(
      async () => {
        const seen = await Promise.all(pages.map(texts));
        return seen.every(
          (list) => JSON.stringify([...list].sort()) === JSON.stringify([...expected].sort()),
        );
      },
      { timeoutMs: 20_000, message: `every window to show ${expected.join(', ')}` },
    );

  it('two tabs of one profile share one socket, a second profile has its own; a killed socket resumes', async () => {
    const [a1, a2] = [await open(suite.context), await open(suite.context)];
    await waitFor(() => upgrades.length === 1, { message: 'the first profile’s socket' });
    const other = await suite.browser.newContext();
    try {
      const b = await open(other);
      await waitFor(() => upgrades.length === 2, { message: 'the second profile’s socket' });
      expect(upgrades).toHaveLength(2);

      await Promise.all([add(a1, 'one'), add(a2, 'two'), add(b, 'three')]);
      await converge([a1, a2, b], ['one', 'two', 'three']);

      // Cut the first profile's socket; its windows go on calling meanwhile.
      upgrades[0]!.destroy();
      const during = Promise.all([add(a1, 'four'), add(a2, 'five')]);
      await add(b, 'six');
      await during;
      await waitFor(() => upgrades.length === 3, { message: 'the relay to connect again' });
      const all = ['one', 'two', 'three', 'four', 'five', 'six'];
      await converge([a1, a2, b], all);
      // Each call once, and still one socket per profile.
      expect((await texts(a1)).length).toBe(all.length);
      expect(upgrades.filter((socket) => !socket.destroyed)).toHaveLength(2);
    } finally {
      await other.close();
    }
  });
});
