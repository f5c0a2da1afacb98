// A real `redis-server` on 127.0.0.1 and a free port, in a temporary directory: what the server
// tests, the server-todos example and the demo's server switch start and stop.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where `npm test` installs it (the Debian package). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** @type {import('./redis-server.d.mts').freePort} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** @type {import('./redis-server.d.mts').startRedis} */
export async function startRedis(options = {}) {
  if (!existsSync(REDIS_SERVER)) {
    throw Object.assign(new Error(`redis-server is not installed (looked for ${REDIS_SERVER})`), {
      code: 'REDIS_MISSING',
    });
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'statesync-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
  args.push(
    ...(options.durable
      ? ['--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no']),
  );
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;

  const start = () =>
    new Promise((resolve, reject) => {
      const proc = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let output = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`redis-server did not start within 20 s:\n${output}`));
      }, 20_000);
      proc.stdout.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve(undefined);
        }
      });
      proc.stderr.on('data', (chunk) => {
        output += chunk;
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });

  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
