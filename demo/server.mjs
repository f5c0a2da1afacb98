// Serves the built demo (demo/dist) on 127.0.0.1: used by `npm start` and by e2e/demo.test.ts.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('./dist', import.meta.url));

// Module workers and module scripts must come with a JavaScript type, or the browser refuses them.
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** @type {import('./server.d.mts').startDemoServer} */
export async function startDemoServer({ port = 0, host = '127.0.0.1', root = DIST } = {}) {
  const base = resolve(root);
  if (!existsSync(join(base, 'index.html'))) {
    throw new Error(
      `the demo is not built: ${join(base, 'index.html')} is missing. ` +
        'Run `npm run build` (or `npm run build --workspace demo`) first.',
    );
  }

  const server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': TYPES['.txt'] });
      response.end('method not allowed');
      return;
    }
    void sendFile(base, request, response);
  });

  await new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ready(undefined);
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  /** @type {Promise<void> | undefined} */
  let closing;
  return {
    url: `http://${shownHost}:${actualPort}/`,
    port: actualPort,
    host,
    close() {
      closing ??= new Promise((done) => {
        server.close(() => done(undefined));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * @param {string} base
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
async function sendFile(base, request, response) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  } catch {
    return sendText(response, 400, 'bad request');
  }
  let path = resolve(join(base, pathname));
  if (path !== base && !path.startsWith(base + sep)) return sendText(response, 403, 'forbidden');
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    const body = await readFile(path);
    response.writeHead(200, {
      'content-type':
        TYPES[/** @type {keyof typeof TYPES} */ (extname(path))] ?? 'application/octet-stream',
      'content-length': body.length,
      // Built assets have content hashes in their names; pages must always be fresh.
      'cache-control': pathname.startsWith('/assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch {
    sendText(response, 404, 'not found');
  }
}

/** @param {import('node:http').ServerResponse} response @param {number} status @param {string} text */
function sendText(response, status, text) {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { 'content-type': TYPES['.txt'], 'cache-control': 'no-store' });
  response.end(text);
}
