#!/usr/bin/env node
// `npm run pack`: builds every package of packages/ and packs each into a tarball in
// .cache/packs/ (git-ignored), as `npm publish` would upload it. An app installs them with
// `npm install <path>/.cache/packs/statesync-shared-0.1.0.tgz ...`; create-statesync copies them
// into the projects it creates when it runs from this clone. `packs.json` beside them maps each
// package name to its file and version.
// A package is built again only when its dist/ is missing or older than its sources.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackages } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const PACKS_DIR = join(root, '.cache', 'packs');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The publishable packages of packages/: folder, name and version. */
export function listPackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, entry.name, 'package.json'), 'utf8'));
        if (manifest.private) return [];
        return [{ dir: join(dir, entry.name), name: manifest.name, version: manifest.version }];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function run(args) {
  const result = spawnSync(npm, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
  return result.stdout.toString();
}

/** The newest modification time under `path` (0 when it does not exist). */
function newest(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

function isStale({ dir }) {
  let built;
  try {
    built = statSync(join(dir, 'dist', 'index.js')).mtimeMs;
  } catch {
    return true;
  }
  return Math.max(newest(join(dir, 'src')), newest(join(dir, 'package.json'))) > built;
}

const workspaceArgs = (packages) => packages.flatMap((pkg) => ['-w', relative(root, pkg.dir)]);

/** Builds the packages that are stale and packs every package; returns the packs.json content. */
export function packAll({ log = console.log } = {}) {
  const packages = listPackages();
  const stale = packages.filter(isStale);
  if (stale.length > 0) {
    log(`[pack] building ${stale.map((pkg) => pkg.name).join(', ')}`);
    buildPackages(stale.map((pkg) => pkg.dir));
  }
  rmSync(PACKS_DIR, { recursive: true, force: true });
  mkdirSync(PACKS_DIR, { recursive: true });
  const packed = JSON.parse(
    run(['pack', '--json', '--pack-destination', PACKS_DIR, ...workspaceArgs(packages)]),
  );
  const index = {};
  for (const entry of packed) {
    index[entry.name] = { version: entry.version, file: entry.filename };
  }
  writeFileSync(join(PACKS_DIR, 'packs.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const index = packAll();
    for (const [name, { file }] of Object.entries(index)) console.log(`[pack] ${name}: ${file}`);
    console.log(
      `[pack] ${Object.keys(index).length} tarballs in ${relative(process.cwd(), PACKS_DIR) || '.'}`,
    );
  } catch (error) {
    console.error(`[pack] ${error.message}`);
    process.exitCode = 1;
  }
}
