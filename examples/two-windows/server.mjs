// The demo's backend and the single source of truth for the `settings` topic. Every window
// pulls snapshots from here and learns about changes through Server-Sent Events.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuthority } from '@statesync/core';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const HEARTBEAT_MS = 15_000;
const MAX_BODY_BYTES = 16 * 1024;

/** @type {import('./server.d.mts').Settings} */
export const DEFAULT_SETTINGS = Object.freeze({
  theme: 'light',
  fontSize: 16,
  displayName: 'Guest',
});

/** @type {import('./server.d.mts').startDemoServer} */
export async function startDemoServer({ port = 0, log = () => {} } = {}) {
  const assets = await loadAssets();
  const authority = createAuthority({ topic: 'settings', data: { ...DEFAULT_SETTINGS } });
  /** @type {Set<import('node:http').ServerResponse>} */
  const streams = new Set();

  const unsubscribe = authority.subscribe((event) => {
    for (const stream of streams) sendEvent(stream, event);
  });
  // Comments keep idle event streams open through proxies; EventSource ignores them.
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = `${request.method} ${pathname}`;
    if (route === 'GET /api/settings') return sendJson(response, 200, authority.getSnapshot());
    if (route === 'POST /api/settings') return void handleWrite(request, response);
    if (route === 'GET /api/events') return openStream(request, response);
    const asset = request.method === 'GET' ? assets.get(pathname) : undefined;
    if (!asset) return sendJson(response, 404, { error: `no route for ${route}` });
    response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
    response.end(asset.body);
  });

  async function handleWrite(request, response) {
    let body;
    try {
      body = JSON.parse(await readBody(request));
    } catch (error) {
      return sendJson(response, 400, { error: `invalid JSON body: ${error.message}` });
    }
    const parsed = parseWrite(body);
    if ('error' in parsed) return sendJson(response, 400, { error: parsed.error });
    const options = parsed.sourceId === undefined ? {} : { sourceId: parsed.sourceId };
    const event = authority.update((current) => ({ ...current, ...parsed.changes }), options);
    log(`settings -> revision ${event.revision}`, { ...parsed.changes, sourceId: parsed.sourceId });
    sendJson(response, 200, { revision: event.revision, epoch: event.epoch });
  }

  function openStream(request, response) {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write('retry: 1000\n\n');
    streams.add(response);
    request.on('close', () => streams.delete(response));
    // A window that reconnects may have missed events: tell it where the authority stands.
    // The revision gate makes this free for windows that are already current.
    const { revision, epoch } = authority.getSnapshot();
    sendEvent(response, { topic: authority.topic, revision, epoch });
  }

  await new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      ready(undefined);
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;

  /** @type {Promise<void> | undefined} */
  let closing;
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    authority,
    close() {
      closing ??= new Promise((done) => {
        clearInterval(heartbeat);
        unsubscribe();
        for (const stream of streams) stream.end();
        streams.clear();
        server.close(() => done(undefined));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Bundles the page script with esbuild (in memory) and reads the static files. */
async function loadAssets() {
  const result = await build({
    entryPoints: [join(here, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'linked',
    outdir: join(here, 'out'),
    write: false,
    logLevel: 'silent',
    // Ignore the repository's tsconfig `paths` (they point at sources for the type-checker):
    // the demo imports `@statesync/core` as an app would, from its built package.
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
  });
  const assets = new Map();
  for (const file of result.outputFiles) {
    const name = `/${file.path.split(/[\\/]/).pop()}`;
    const type = name.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8';
    assets.set(name, { type, body: Buffer.from(file.contents) });
  }
  const html = await readFile(join(here, 'index.html'));
  assets.set('/', { type: 'text/html; charset=utf-8', body: html });
  assets.set('/index.html', { type: 'text/html; charset=utf-8', body: html });
  assets.set('/styles.css', {
    type: 'text/css; charset=utf-8',
    body: await readFile(join(here, 'styles.css')),
  });
  return assets;
}

/**
 * Checks a write request. Only known fields with sane values get through, so a bad request
 * can never corrupt the settings every window mirrors.
 */
function parseWrite(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: 'body must be a JSON object' };
  }
  const { sourceId, ...fields } = body;
  if (sourceId !== undefined && (typeof sourceId !== 'string' || sourceId.length > 100)) {
    return { error: 'sourceId must be a string of at most 100 characters' };
  }
  const changes = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'theme' && (value === 'light' || value === 'dark')) changes.theme = value;
    else if (key === 'fontSize' && Number.isInteger(value) && value >= 12 && value <= 24) {
      changes.fontSize = value;
    } else if (key === 'displayName' && typeof value === 'string' && value.trim().length <= 40) {
      changes.displayName = value.trim();
    } else {
      return { error: `invalid setting ${key}: ${JSON.stringify(value)}` };
    }
  }
  if (Object.keys(changes).length === 0) return { error: 'nothing to change' };
  return { changes, sourceId };
}

function readBody(request) {
  return new Promise((done, fail) => {
    let size = 0;
    const chunks = [];
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        fail(new Error('body too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    request.on('error', fail);
  });
}

function sendEvent(stream, event) {
  stream.write(`event: invalidate\ndata: ${JSON.stringify(event)}\n\n`);
}

function sendJson(response, status, value) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(value));
}
