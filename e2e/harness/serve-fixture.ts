// What every bundled fixture server does: bundle its entries in memory with esbuild against the
// built packages (as an app's build would), once per test process, and serve them on 127.0.0.1
// next to its HTML pages and any routes of its own.
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { type RouteHandler, type StaticServer, serveStatic } from './serve-static.js';

export interface FixtureOptions {
  /** The fixture's folder: entry `x` is `<dir>/x.ts`, served as `/x.js`. */
  dir: string;
  entries: readonly string[];
  /** Path → HTML, e.g. `{ '/': fixturePage('title', 'page') }`. */
  pages?: Record<string, string>;
  /** More routes (checked first), as for `serveStatic`. */
  routes?: Record<string, RouteHandler>;
  /** esbuild's `define`, e.g. development builds of React and Vue. */
  define?: Record<string, string>;
  /** @default false */
  sourcemap?: boolean;
}

/** A page with `body` that loads `/<script>.js` as a module. */
export const fixturePage = (title: string, script: string, body = '') => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <title>${title}</title>
  </head>
  <body>
    ${body}
    <script type="module" src="/${script}.js"></script>
  </body>
</html>
`;

const bundles = new Map<string, Promise<Map<string, Uint8Array>>>();

/** The fixture's bundles by path (`/page.js`, `/page.js.map`), built once per process. */
export function bundleFixture(options: FixtureOptions): Promise<Map<string, Uint8Array>> {
  const { dir, entries, define, sourcemap = false } = options;
  const key = JSON.stringify([dir, entries, define, sourcemap]);
  let bundle = bundles.get(key);
  if (!bundle) {
    const buildOptions: BuildOptions = {
      entryPoints: entries.map((entry) => join(dir, `${entry}.ts`)),
      entryNames: '[name]',
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: join(dir, 'out'),
      write: false,
      logLevel: 'silent',
      // No tsconfig `paths`: @statesync/* resolve through node_modules to their dist builds.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      ...(sourcemap && { sourcemap: 'linked' }),
      ...(define && { define }),
    };
    bundle = build(buildOptions).then(
      (result) =>
        new Map(
          (result.outputFiles ?? []).map((file) => [
            `/${file.path.split(/[\\/]/).pop()}`,
            file.contents,
          ]),
        ),
    );
    bundle.catch(() => bundles.delete(key));
    bundles.set(key, bundle);
  }
  return bundle;
}

/** The routes of a fixture: its pages and its bundles, never cached by the browser. */
export async function fixtureRoutes(
  options: FixtureOptions,
): Promise<Record<string, RouteHandler>> {
  const assets = await bundleFixture(options);
  const answer =
    (type: string, body: string | Uint8Array): RouteHandler =>
    (_request, response) => {
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
  const routes: Record<string, RouteHandler> = {};
  for (const [path, page] of Object.entries(options.pages ?? {})) {
    routes[`GET ${path}`] = answer('text/html; charset=utf-8', page);
  }
  for (const [path, body] of assets) {
    const type = path.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8';
    routes[`GET ${path}`] = answer(type, body);
  }
  return { ...routes, ...options.routes };
}

/** Bundles the fixture (once per process) and serves it on a free port of 127.0.0.1. */
export async function serveFixture(options: FixtureOptions): Promise<StaticServer> {
  return serveStatic({ routes: await fixtureRoutes(options) });
}
