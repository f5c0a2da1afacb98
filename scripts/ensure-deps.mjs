#!/usr/bin/env node
// Makes a fresh clone runnable: installs npm dependencies when they are missing or stale and,
// with --browser, Debian's Chromium for the real-browser tests and Debian's redis-server for the
// server tests; with --bench-peers, the libraries the shared-app bench compares with (bench/peers/,
// a package outside the workspaces with its own lockfile). Runs unattended (CI, no stdin).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const REDIS_SERVER = '/usr/bin/redis-server';
const wantBrowser = process.argv.includes('--browser');
const wantBenchPeers = process.argv.includes('--bench-peers');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function log(message) {
  console.log(`[ensure-deps] ${message}`);
}

function fail(message) {
  console.error(`[ensure-deps] ${message}`);
  process.exit(1);
}

/** Runs a command with inherited output and no stdin; returns true when it exits with 0. */
function run(command, args, env = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  if (result.error) console.error(`[ensure-deps] ${command}: ${result.error.message}`);
  return result.status === 0;
}

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const modules = join(root, 'node_modules');
  // npm rewrites node_modules/.package-lock.json on every install, so it dates the install.
  const installedAt = mtimeMs(join(modules, '.package-lock.json')) ?? mtimeMs(modules);
  const lockedAt = mtimeMs(lock);

  if (installedAt !== undefined && (lockedAt === undefined || installedAt >= lockedAt)) return;

  const reason =
    installedAt === undefined ? 'node_modules is missing' : 'package-lock.json is newer';
  if (lockedAt !== undefined) {
    log(`${reason}: running npm ci`);
    if (run(npm, ['ci', '--no-audit', '--no-fund'])) return;
    // Never fall back to `npm install`: it would rewrite the committed lockfile and hide the fault.
    fail(
      'npm ci failed and the install is incomplete. If it reported that package.json and ' +
        'package-lock.json are out of sync, run `npm install` once and commit the updated ' +
        'package-lock.json; otherwise read the npm error above (network, registry, disk).',
    );
  } else {
    log(`${reason} and there is no package-lock.json: running npm install`);
    if (!run(npm, ['install', '--no-audit', '--no-fund'])) fail('npm install failed');
  }
}

/** Installs a Debian package with apt-get unless `binary` exists; never prompts, never reads stdin. */
function ensureDebianPackage(binary, pkg, what) {
  if (existsSync(binary)) return;
  log(`${binary} not found: installing Debian's ${pkg} package with apt-get`);
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    fail(
      `cannot install ${what} automatically here (needs Debian/Ubuntu apt-get). ` +
        `Install it so that ${binary} exists, then run the command again.`,
    );
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // `sudo -n` never prompts: without passwordless sudo it fails instead of waiting on stdin.
  const [command, prefix] = isRoot ? ['apt-get', []] : ['sudo', ['-n', 'apt-get']];
  const env = { DEBIAN_FRONTEND: 'noninteractive', CI: 'true' };
  const ok =
    run(command, [...prefix, 'update'], env) &&
    run(command, [...prefix, 'install', '-y', pkg], env);
  if (!ok || !existsSync(binary)) {
    fail(
      `could not install ${what} (${isRoot ? 'as root' : 'through sudo -n'}). ` +
        `Install it yourself, e.g. \`sudo apt-get install -y ${pkg}\`, so that ${binary} exists.`,
    );
  }
  log(`installed ${binary}`);
}

/**
 * A package outside the workspaces, with a lockfile of its own, that the root install never sees:
 * installed from that lockfile only, without install scripts, when its node_modules is missing or
 * older than the lockfile.
 */
function ensureApart(dir, what) {
  const lockedAt = mtimeMs(join(root, dir, 'package-lock.json'));
  if (lockedAt === undefined) fail(`${dir}/package-lock.json is missing`);
  const modules = join(root, dir, 'node_modules');
  const installedAt = mtimeMs(join(modules, '.package-lock.json')) ?? mtimeMs(modules);
  if (installedAt !== undefined && installedAt >= lockedAt) return;
  const reason =
    installedAt === undefined
      ? `${dir}/node_modules is missing`
      : `${dir}/package-lock.json is newer`;
  log(`${reason}: installing ${what}`);
  const args = ['ci', '--prefix', dir, '--ignore-scripts', '--no-audit', '--no-fund'];
  if (!run(npm, args)) fail(`npm ci --prefix ${dir} failed`);
}

ensureNodeModules();
// bench/peers/: reactant-share and coaction with their own peers (React 17, broadcast-channel 5),
// which clash with the workspace's React 19 and broadcast-channel 7. Only `npm run bench` asks.
if (wantBenchPeers) ensureApart('bench/peers', "the bench's peer libraries");
// e2e/devtools-server/: Redux DevTools' remote server, which e2e/remote-devtools.test.ts starts.
// Without install scripts: electron's would fetch the desktop app and sqlite3's a native binary,
// neither of which the server's live monitoring needs.
if (wantBrowser) ensureApart('e2e/devtools-server', "Redux DevTools' remote server");
if (wantBrowser) ensureDebianPackage(CHROMIUM, 'chromium', 'Chromium');
// The server tests start a real Redis of their own (packages/server/test/redis-server.ts).
if (wantBrowser) ensureDebianPackage(REDIS_SERVER, 'redis-server', 'Redis');
