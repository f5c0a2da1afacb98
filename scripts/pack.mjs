#!/usr/bin/env node
// `npm run pack`: builds every package of packages/ and packs each into a tarball in
// .cache/packs/ (git-ignored), as `npm publish` would upload it. An app installs them with
// `npm install <path>/.cache/packs/statesync-shared-0.1.0.tgz ...`; create-statesync copies them
// into the projects it creates when it runs from this clone. `packs.json` beside them maps each
// package name to its file and version.
// `--no-build` packs what is already built.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Builds (unless `build` is false) and packs every package; returns the packs.json content. */
export function packAll({ build = true, log = console.log } = {}) {
  const packages = listPackages();
  const workspaces = packages.flatMap((pkg) => ['-w', relative(root, pkg.dir)]);
  if (build) {
    log('[pack] building the packages');
    run(['run', 'build', '--if-present', ...workspaces]);
  }
  rmSync(PACKS_DIR, { recursive: true, force: true });
  mkdirSync(PACKS_DIR, { recursive: true });
  const packed = JSON.parse(
    run(['pack', '--json', '--pack-destination', PACKS_DIR, ...workspaces]),
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
    const index = packAll({ build: !process.argv.includes('--no-build') });
    for (const [name, { file }] of Object.entries(index)) console.log(`[pack] ${name}: ${file}`);
    console.log(
      `[pack] ${Object.keys(index).length} tarballs in ${relative(process.cwd(), PACKS_DIR) || '.'}`,
    );
  } catch (error) {
    console.error(`[pack] ${error.message}`);
    process.exitCode = 1;
  }
}
