// Runs `@statesync/server` instances as a deployment would: each in a Node process of its own,
// against one redis-server. The entry is a TypeScript file that reads PORT, REDIS_URL and
// ORIGINS and prints its `ws://127.0.0.1:<port>` once it listens (examples/server-todos/server.ts,
// demo/server-tier.ts). Used by the server-todos example, the demo's server switch and the
// server tests (which kill an instance with SIGKILL).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { freePort, startRedis } from './redis-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** @type {import('./server-tier.d.mts').bundleServerEntry} */
export async function bundleServerEntry(entry, { plugins = [] } = {}) {
  // Under node_modules, so the npm packages the bundle leaves outside resolve from there.
  const cache = join(root, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'statesync-server-'));
  const path = join(dir, 'server.mjs');
  await build({
    entryPoints: [resolve(root, entry)],
    outfile: path,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins,
    logLevel: 'error',
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
  });
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** @type {import('./server-tier.d.mts').startInstance} */
export function startInstance(bundle, { port, redisUrl, origins = [] }) {
  return new Promise((resolvePromise, reject) => {
    const env = {
      ...process.env,
      PORT: String(port),
      REDIS_URL: redisUrl,
      ORIGINS: origins.join(','),
    };
    const child = spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server on port ${port} did not start within 20 s:\n${output}`));
    }, 20_000);
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`the server on port ${port} exited with ${code}:\n${output}`));
    };
    child.once('exit', onExit);
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const url = `ws://127.0.0.1:${port}`;
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!output.includes(url)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolvePromise({
        url,
        async kill() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}

/** @type {import('./server-tier.d.mts').startServerTier} */
export async function startServerTier({ entry, origins, instances = 1 }) {
  const redis = await startRedis();
  const cleanups = [() => redis.stop()];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const bundle = await bundleServerEntry(entry);
    cleanups.push(bundle.dispose);
    const urls = [];
    for (let index = 0; index < instances; index += 1) {
      const port = await freePort();
      const instance = await startInstance(bundle.path, { port, redisUrl: redis.url, origins });
      cleanups.push(instance.kill);
      urls.push(instance.url);
    }
    return { redisUrl: redis.url, urls, close };
  } catch (error) {
    await close();
    throw error;
  }
}
