#!/usr/bin/env node
// What a page carries: bundles a few entry points over the BUILT packages (dist/) as a user's
// bundler would (esbuild, browser, minified, ESM with code splitting) and gzips the output.
// A page's size is its entry file plus every chunk it imports statically; chunks behind a
// dynamic import() are printed apart ("lazy"): a page loads them only when it needs them.
// "At start" adds the import() chunks a page always loads as it starts (its mode's code).
// Exits 1 when an entry is over its limit or loads what it must not. Usage: node scripts/size.mjs [--markdown] [--why]
// --why lists the modules of each budgeted entry's static part (page) and of what it loads as it
// starts (start), with their minified bytes.
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
    limit: 11_600,
    goal: 10_000,
    // Before \`ready\`, a SharedWorker page loads its mode's code and the link's engine too.
    start: ['shared/dist/modes/worker-mode.js', 'shared/dist/client/client.js'],
    // The authority's code and mutative are for where an authority runs; the mode's code and
    // the revision engine load with the mode.
    forbid: [
      'mutative',
      'shared/dist/authority/',
      'shared/dist/modes/worker-mode.js',
      'shared/dist/client/client.js',
      'core/dist/engine.js',
      // The authority's links load with import() (modes/server-links.ts); the mirror's applier
      // with the link (patches), and the wire's parser with the client.
      'shared/dist/modes/server-links.js',
      'shared/dist/links/connect-link.js',
      'shared/dist/wire/json-safe.js',
      'shared/dist/wire/parse-message.js',
      'core/dist/patch.js',
    ],
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
    start: ['shared/dist/authority/index.js'],
  },
  {
    name: 'counter client page with an optimistic action (defineStore optimistic)',
    code: `import { createSharedApp, defineStore, spawn } from '@statesync/shared';
const counter = defineStore({
  name: 'counter',
  state: () => ({ count: 0 }),
  actions: { increase(state) { state.count += 1; } },
  optimistic: ['increase'],
});
const app = createSharedApp({
  stores: [counter],
  share: { name: 'counter', type: 'SharedWorker', workerURL: '/worker.js' },
});
const store = app.store(counter);
store.subscribe(() => { document.title = String(store.getState().count); });
document.body.onclick = () => spawn(store, 'increase', []);`,
    // Such a page loads the guess code and mutative as it starts, never statically.
    start: [
      'shared/dist/modes/worker-mode.js',
      'shared/dist/client/client.js',
      'shared/dist/optimistic/guesses.js',
    ],
    forbid: ['mutative', 'shared/dist/authority/', 'shared/dist/optimistic/'],
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
  const page = new Set(loaded);
  // The import() chunks the page always loads as it starts, with what they import.
  for (const path of Object.keys(outputs)) {
    const input = outputs[path].entryPoint;
    if (input && entry.start?.some((part) => input.includes(part))) visit(path);
  }
  const sum = (paths) => paths.reduce((total, path) => total + gzipped(bytesOf.get(path)), 0);
  const js = Object.keys(outputs).filter((path) => path.endsWith('.js'));
  const inputs = [...page].flatMap((path) => Object.keys(outputs[path].inputs));
  return {
    page: sum(js.filter((path) => page.has(path))),
    start: entry.start ? sum(js.filter((path) => loaded.has(path))) : undefined,
    lazy: sum(js.filter((path) => !page.has(path))),
    forbidden: (entry.forbid ?? []).filter((part) => inputs.some((input) => input.includes(part))),
    // What the static part holds: each module with its minified bytes, largest first.
    why: [...loaded]
      .flatMap((path) =>
        Object.entries(outputs[path].inputs).map(([input, { bytesInOutput }]) => [
          input.replace(/^.*packages\//, ''),
          bytesInOutput,
          page.has(path) ? 'page' : 'start',
        ]),
      )
      .filter(([, bytes]) => bytes > 0)
      .sort((a, b) => a[2].localeCompare(b[2]) || b[1] - a[1]),
  };
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

/** The table of the bench README, its columns aligned. */
function printTable(rows) {
  const head = ['entry point', 'page (gzip)', 'at start (gzip)', 'loaded on demand (gzip)'];
  const all = [[...head, 'limit', 'goal'], ...rows];
  const widths = all[0].map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (cells) =>
    `| ${cells.map((cell, column) => (column ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join(' | ')} |`;
  console.log(line(all[0]));
  console.log(
    `| ${widths.map((width, column) => (column ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`,
  );
  for (const row of rows) console.log(line(row));
}

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
  const rows = [];
  try {
    for (const entry of ENTRIES) {
      const { page, start, lazy, forbidden, why } = await measure(entry, dir);
      const fails = entry.limit !== undefined && page > entry.limit;
      if (fails) over.push(entry.name);
      if (forbidden.length) over.push(`${entry.name} loads ${forbidden.join(', ')}`);
      const limit = entry.limit === undefined ? '' : kB(entry.limit);
      const goal = entry.goal === undefined ? '' : kB(entry.goal);
      rows.push([
        entry.name,
        kB(page),
        start ? kB(start) : '–',
        lazy ? kB(lazy) : '–',
        limit,
        goal,
      ]);
      if (markdown) continue;
      const verdicts = [
        entry.limit !== undefined && `limit ${limit} ${fails ? 'EXCEEDED' : 'ok'}`,
        entry.goal !== undefined && `goal ${goal} ${page <= entry.goal ? 'met' : 'missed'}`,
      ].filter(Boolean);
      console.log(
        `${entry.name}: ${kB(page)} gz${start ? ` (${kB(start)} with what it loads as it starts)` : ''}` +
          `${lazy ? ` + ${kB(lazy)} on demand` : ''}` +
          (verdicts.length ? ` (${verdicts.join(', ')})` : ''),
      );
      if (process.argv.includes('--why') && entry.limit !== undefined) {
        for (const [input, bytes, part] of why) {
          console.log(`  ${part.padEnd(5)} ${String(bytes).padStart(6)}  ${input}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (markdown) printTable(rows);
  if (over.length) console.log(`size: failed: ${over.join('; ')}`);
  return over.length ? 1 : 0;
}

process.exitCode = await main();
