#!/usr/bin/env node
// `npm run build`: every package in dependency order (a package's type build reads the built
// types of the statesync packages it imports), then the demo. `npm run build --workspaces` would
// go by folder name, and `pinia` or `server` would build before the `shared` they import.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The packages under packages/, each after the statesync packages it depends on. */
export function packagesInBuildOrder() {
  const packages = new Map();
  for (const folder of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', folder);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const wants = Object.keys({
      ...manifest.dependencies,
      ...manifest.peerDependencies,
      ...manifest.devDependencies,
    });
    packages.set(manifest.name, { name: manifest.name, dir, wants });
  }
  const ordered = [];
  const placed = new Set();
  const place = (pkg, path) => {
    if (placed.has(pkg.name)) return;
    if (path.includes(pkg.name))
      throw new Error(`dependency cycle: ${[...path, pkg.name].join(' → ')}`);
    for (const name of pkg.wants) {
      const wanted = packages.get(name);
      if (wanted) place(wanted, [...path, pkg.name]);
    }
    placed.add(pkg.name);
    ordered.push(pkg);
  };
  for (const pkg of packages.values()) place(pkg, []);
  return ordered;
}

/** Builds the given package folders (all of them by default) in dependency order. */
export function buildPackages(dirs) {
  for (const pkg of packagesInBuildOrder()) {
    if (dirs && !dirs.includes(pkg.dir)) continue;
    const result = spawnSync(npm, ['run', 'build', '--if-present', '-w', pkg.dir], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildPackages();
  const demo = spawnSync(npm, ['run', 'build', '-w', 'demo'], { cwd: root, stdio: 'inherit' });
  process.exit(demo.status ?? 1);
}
