#!/usr/bin/env node
// What a page carries: bundles a few entry points over the BUILT packages (dist/) as a user's
// bundler would (esbuild, browser, minified, ESM with code splitting) and gzips the output.
// A page's size is its entry file plus every chunk it imports statically; chunks behind a
// dynamic import() are printed apart ("lazy"): a page loads them only when it needs them.
// Exits 1 when an entry is over its limit or loads what it must not. Usage: node scripts/size.mjs [--markdown]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `limit` fails the check (bytes gzipped, static part); `goal` is the issue's target, printed;
 * `forbid` fails it when a source path containing one of these strings is in the static part.
 * Limits sit a little above today's sizes, so that code which stops being shaken away (an
 * unused feature, DevTools, the authority in a client page) fails `npm test`.
 */
const ENTRIES = [
  {
    name: 'counter client page (@statesync/shared: createSharedApp, defineStore, spawn)',
    code: `import { createSharedApp, defineStore, spawn } from '@statesync/shared';
const counter = defineStore({
  name: 'counter',
  state: () => ({ count: 0 }),
  actions: { increase(state) { state.count += 1; } },
});
const app = createSharedApp({
  stores: [counter],
  share: { name: 'counter', type: 'SharedWorker', workerURL: '/worker.js' },
});
const store = app.store(counter);
store.subscribe(() => { document.title = String(store.getState().count); });
document.body.onclick = () => spawn(store, 'increase', []);`,
    // +0.4 kB for the checks of what peers send a client (snapshots, JSON tags, copies).
    limit: 29_000,
    goal: 10_000,
    // The authority's code and mutative are for where an authority runs.
    forbid: ['mutative', 'packages/shared/dist/authority-'],
  },
  {
    name: 'createRevisionSync alone (@statesync/core)',
    code: `export { createRevisionSync } from '@statesync/core';`,
    limit: 7_500,
    goal: 4_000,
  },
  {
    name: 'counter authority (@statesync/shared in the SharedWorker)',
    code: `import { createSharedApp, defineStore } from '@statesync/shared';
const counter = defineStore({
  name: 'counter',
  state: () => ({ count: 0 }),
  actions: { increase(state) { state.count += 1; } },
});
createSharedApp({ stores: [counter], share: { name: 'counter', port: 'server', type: 'SharedWorker' } });`,
  },
  ...[
    'core',
    'persistence',
    'tauri',
    'pinia',
    'zustand',
    'redux',
    'react',
    'vue',
    'svelte',
    'valtio',
    'jotai',
    'mobx',
  ].map((pkg) => ({
    name: `whole entry of @statesync/${pkg}`,
    code: `export * from '@statesync/${pkg}';`,
  })),
];

const gzipped = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** Sizes of one entry: the static part (entry and its static imports) and the lazy chunks. */
async function measure(entry, dir) {
  const file = join(dir, `${ENTRIES.indexOf(entry)}.js`);
  writeFileSync(file, entry.code);
  const result = await build({
    entryPoints: [file],
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    outdir: join(dir, 'out'),
    absWorkingDir: dir,
    // Resolve the packages from the repository's node_modules (the workspace links to dist/).
    nodePaths: [join(root, 'node_modules')],
    // Peers are the app's own: not counted.
    external: ['vue', 'react', 'svelte', 'pinia', 'zustand', 'redux', 'valtio', 'jotai', 'mobx'],
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const bytesOf = new Map(
    result.outputFiles.map((output) => [relative(dir, output.path), output.contents]),
  );
  // The page's own file: chunks behind an import() are entry points of the metafile too.
  const start = Object.keys(outputs).find(
    (path) => outputs[path].entryPoint === relative(dir, file),
  );
  const loaded = new Set();
  const visit = (path) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of outputs[path].imports) {
      if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path);
    }
  };
  visit(start);
  const sum = (paths) => paths.reduce((total, path) => total + gzipped(bytesOf.get(path)), 0);
  const js = Object.keys(outputs).filter((path) => path.endsWith('.js'));
  const inputs = [...loaded].flatMap((path) => Object.keys(outputs[path].inputs));
  return {
    page: sum(js.filter((path) => loaded.has(path))),
    lazy: sum(js.filter((path) => !loaded.has(path))),
    forbidden: (entry.forbid ?? []).filter((part) => inputs.some((input) => input.includes(part))),
  };
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

async function main() {
  const markdown = process.argv.includes('--markdown');
  for (const pkg of ['core', 'shared']) {
    if (!existsSync(join(root, 'packages', pkg, 'dist'))) {
      console.error(`size: packages/${pkg} is not built (npm run build -w @statesync/${pkg})`);
      return 1;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'statesync-size-'));
  const over = [];
  try {
    if (markdown) {
      console.log('| entry point | page (gzip) | loaded on demand (gzip) | limit | goal |');
      console.log('|---|---:|---:|---:|---:|');
    }
    for (const entry of ENTRIES) {
      const { page, lazy, forbidden } = await measure(entry, dir);
      const fails = entry.limit !== undefined && page > entry.limit;
      if (fails) over.push(entry.name);
      if (forbidden.length) over.push(`${entry.name} loads ${forbidden.join(', ')}`);
      const limit = entry.limit === undefined ? '' : kB(entry.limit);
      const goal = entry.goal === undefined ? '' : kB(entry.goal);
      if (markdown) {
        console.log(
          `| ${entry.name} | ${kB(page)} | ${lazy ? kB(lazy) : '–'} | ${limit} | ${goal} |`,
        );
        continue;
      }
      const verdicts = [
        entry.limit !== undefined && `limit ${limit} ${fails ? 'EXCEEDED' : 'ok'}`,
        entry.goal !== undefined && `goal ${goal} ${page <= entry.goal ? 'met' : 'missed'}`,
      ].filter(Boolean);
      console.log(
        `${entry.name}: ${kB(page)} gz${lazy ? ` + ${kB(lazy)} on demand` : ''}` +
          (verdicts.length ? ` (${verdicts.join(', ')})` : ''),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (over.length) console.log(`size: failed: ${over.join('; ')}`);
  return over.length ? 1 : 0;
}

process.exitCode = await main();
