import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

/** Handles one request. Throwing (or rejecting) answers 500 with the message. */
export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => void | Promise<void>;

export interface ServeStaticOptions {
  /** Directory whose files are served; `/` maps to `index.html`. Without it only `routes` answer. */
  root?: string;
  /** Keys are `'GET /api/thing'` (one method) or `'/api/thing'` (any method). Checked before files. */
  routes?: Record<string, RouteHandler>;
  /** @default 0 (an ephemeral port) */
  port?: number;
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  /** Drops open connections (Server-Sent Events included) and stops listening. Idempotent. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Serves files and test routes on 127.0.0.1 only, for pages driven by the browser tests. */
export async function serveStatic({
  root,
  routes = {},
  port = 0,
}: ServeStaticOptions = {}): Promise<StaticServer> {
  const base = root === undefined ? undefined : resolve(root);

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = routes[`${request.method} ${url.pathname}`] ?? routes[url.pathname];
    try {
      if (route) await route(request, response, url);
      else if (base !== undefined && request.method === 'GET') await sendFile(base, url, response);
      else send(response, 404, 'not found');
    } catch (error) {
      if (!response.headersSent) send(response, 500, String((error as Error)?.message ?? error));
      else response.destroy();
    }
  });

  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      ready();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    close() {
      closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function sendFile(base: string, url: URL, response: ServerResponse): Promise<void> {
  let path = resolve(join(base, decodeURIComponent(url.pathname)));
  if (path !== base && !path.startsWith(base + sep)) return send(response, 403, 'forbidden');
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    const body = await readFile(path);
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    response.end(body);
  } catch {
    send(response, 404, 'not found');
  }
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
