#!/usr/bin/env node
// `npm run example -- <name>`: bundles one example of examples/ with esbuild, against the built
// packages as an app's build would, and serves it on 127.0.0.1 (or, for a browser extension,
// writes it to examples/<name>/dist/ to be loaded unpacked). Without a name, lists them.
// `startExample` and `buildExample` are also what e2e/examples.test.ts runs, so the tests see
// what users see.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startServerTier } from './server-tier.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const examplesDir = join(root, 'examples');

/**
 * How each example is served. `entries` are bundled, each to `/<its name>.js`; `files` maps
 * URLs to files of the example. An `extension` is written to a folder instead, each URL a file
 * of it. Examples not listed here are source-only.
 * @type {Record<string, import('./example.d.mts').ExampleManifest>}
 */
export const EXAMPLES = {
  'two-windows': {
    summary: 'settings in several browser windows, owned by a Node server (Server-Sent Events)',
    server: true,
  },
  'vanilla-tabs': {
    summary: 'plain TypeScript and @statesync/core: one leader tab owns the settings',
    entries: ['src/main.ts'],
    files: { '/': 'index.html' },
  },
  'vue-pinia-tabs': {
    summary: 'a Pinia store mirrored in every tab and kept in localStorage',
    entries: ['src/main.ts'],
    files: { '/': 'index.html' },
  },
  'react-shared-worker': {
    summary: 'React pages calling actions of a todo list that runs in a SharedWorker',
    entries: ['src/main.ts', 'src/worker.ts'],
    files: { '/': 'index.html' },
  },
  'tauri-settings': {
    summary: 'two Tauri windows and a Rust backend, run in the browser under Tauri’s mocks',
    entries: ['mock/host.ts', 'mock/window.ts'],
    files: {
      '/': 'mock/host.html',
      '/window.html': 'mock/window.html',
      '/styles.css': 'styles.css',
    },
  },
  'server-todos': {
    summary:
      'a to-do list whose actions run on @statesync/server (two instances, one Redis), shared by every browser',
    entries: ['page.ts'],
    files: { '/': 'index.html' },
    tier: 'server.ts',
  },
  electron: {
    summary: 'main process, preload and renderer of an Electron app (source only)',
  },
  'browser-extension': {
    summary:
      'a Manifest V3 extension: the background runs a reading list, popup and options show it',
    entries: ['src/background.ts', 'src/popup.ts', 'src/options.ts'],
    files: {
      '/manifest.json': 'manifest.json',
      '/popup.html': 'popup.html',
      '/options.html': 'options.html',
      '/styles.css': 'styles.css',
    },
    extension: true,
  },
};

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** @type {import('./example.d.mts').listExamples} */
export async function listExamples() {
  const entries = await readdir(examplesDir, { withFileTypes: true });
  return entries
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(examplesDir, entry.name, 'README.md')),
    )
    .map(({ name }) => {
      const manifest = EXAMPLES[name];
      return {
        name,
        summary: manifest?.summary ?? 'see its README',
        runnable: manifest !== undefined && (manifest.server === true || !!manifest.entries),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** @type {import('./example.d.mts').startExample} */
export async function startExample(name, { port = 0 } = {}) {
  const manifest = EXAMPLES[name];
  if (manifest?.server) {
    const { startDemoServer } = await import('../examples/two-windows/server.mjs');
    const log = (message, details) => console.log(`[${name}] ${message}`, details ?? '');
    return startDemoServer({ port, log });
  }
  if (!manifest?.entries || manifest.extension) {
    throw new Error(`example "${name}" has nothing to serve`);
  }
  const assets = await assetsOf(name, manifest);
  const site = await serve(assets, port);
  if (!manifest.tier) return site;
  /** @type {Awaited<ReturnType<typeof startServerTier>>} */
  let tier;
  try {
    tier = await startServerTier({
      entry: join('examples', name, manifest.tier),
      origins: [site.url.replace(/\/$/, '')],
      instances: 2,
    });
  } catch (error) {
    await site.close();
    throw error;
  }
  // The page finds the instances in its body's `data-servers`.
  const page = assets.get('/');
  page.body = Buffer.from(
    String(page.body).replace('data-servers=""', `data-servers="${tier.urls.join(',')}"`),
  );
  return {
    ...site,
    async close() {
      await site.close();
      await tier.close();
    },
  };
}

/** @type {import('./example.d.mts').buildExample} */
export async function buildExample(name, { outdir } = {}) {
  const manifest = EXAMPLES[name];
  if (!manifest?.extension || !manifest.entries) {
    throw new Error(`example "${name}" is not an extension to build`);
  }
  const assets = await assetsOf(name, manifest);
  const dir = resolve(outdir ?? join(examplesDir, name, 'dist'));
  // A fresh folder: no file of an earlier build is left for the browser to load.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [url, asset] of assets) await writeFile(join(dir, url.slice(1)), asset.body);
  return { dir, files: [...assets.keys()].map((url) => url.slice(1)).sort() };
}

/** The bundled entries and the listed files of an example, by URL. */
async function assetsOf(name, manifest) {
  const dir = join(examplesDir, name);
  const assets = await bundle(dir, manifest.entries ?? []);
  for (const [url, file] of Object.entries(manifest.files ?? {})) {
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    assets.set(url, { type, body: await readFile(join(dir, file)) });
  }
  return assets;
}

/** Bundles the entries in memory: `src/main.ts` becomes `/main.js` (and `/main.js.map`). */
async function bundle(dir, entries) {
  const result = await build({
    entryPoints: entries.map((entry) => join(dir, entry)),
    entryNames: '[name]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'linked',
    outdir: join(dir, 'out'),
    write: false,
    logLevel: 'silent',
    // Development builds, so React and Vue explain misuse on the console.
    define: {
      'process.env.NODE_ENV': '"development"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    // The repository's tsconfig `paths` point at package sources for the type-checker; ignore
    // them, so @statesync/* resolve through node_modules to their dist builds.
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
  });
  const assets = new Map();
  for (const file of result.outputFiles) {
    const url = `/${file.path.split(/[\\/]/).pop()}`;
    assets.set(url, { type: CONTENT_TYPES[extname(url)], body: Buffer.from(file.contents) });
  }
  return assets;
}

async function serve(assets, port) {
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    const asset = request.method === 'GET' ? assets.get(pathname) : undefined;
    if (!asset) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`not found: ${pathname}`);
      return;
    }
    response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
    response.end(asset.body);
  });
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
    close() {
      closing ??= new Promise((done) => {
        server.close(() => done(undefined));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Builds the packages when a dist folder is missing; a fresh clone has none. */
function ensureBuilt() {
  const packages = join(root, 'packages');
  const missing = readdirSync(packages).filter((name) => !existsSync(join(packages, name, 'dist')));
  if (missing.length === 0) return;
  console.log(`statesync examples: building the packages (${missing.join(', ')} not built)...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    throw new Error(`the build failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
}

async function main(name) {
  const examples = await listExamples();
  if (!name) {
    console.log('statesync examples (npm run example -- <name>):\n');
    const width = Math.max(...examples.map((example) => example.name.length));
    for (const example of examples) {
      console.log(`  ${example.name.padEnd(width)}  ${example.summary}`);
    }
    return;
  }
  const example = examples.find((candidate) => candidate.name === name);
  if (!example) {
    console.error(`statesync examples: no example "${name}"; run \`npm run example\` for the list`);
    process.exitCode = 1;
    return;
  }
  if (!example.runnable) {
    console.log(
      `statesync examples: ${name} is source only, nothing to serve here. ` +
        `See examples/${name}/README.md for how to run it.`,
    );
    return;
  }
  ensureBuilt();
  if (EXAMPLES[name]?.extension) {
    const { dir } = await buildExample(name);
    console.log(`statesync examples: ${name} built into ${relative(process.cwd(), dir) || '.'}`);
    console.log(
      'Load it in Chromium, Chrome or Edge: open chrome://extensions, turn on Developer mode, ' +
        'click "Load unpacked" and choose that folder. Nothing is served.',
    );
    console.log(`What to try: examples/${name}/README.md.`);
    return;
  }
  const wanted = process.env.PORT ? Number.parseInt(process.env.PORT, 10) : 0;
  let server;
  try {
    server = await startExample(name, { port: wanted });
  } catch (error) {
    if (error?.code === 'REDIS_MISSING') {
      console.error(`statesync examples: ${name} needs Redis: ${error.message}.`);
      process.exitCode = 1;
      return;
    }
    if (wanted === 0 || (error?.code !== 'EADDRINUSE' && error?.code !== 'EACCES')) throw error;
    console.log(`statesync examples: port ${wanted} is not available, using a free one`);
    server = await startExample(name, { port: 0 });
  }
  console.log(`statesync examples: ${name} on ${server.url}`);
  console.log(`What to try: examples/${name}/README.md. Ctrl+C stops.`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv[2]);
}
