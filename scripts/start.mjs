#!/usr/bin/env node
// `npm start`: builds the packages and then the demo (demo/, a Vite app), and serves the built
// demo on 127.0.0.1 until stopped.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
console.log('statesync demo: building the packages and the demo...');
// The build's own output only matters when it fails. The root build runs every workspace's
// build in order: the packages first, the demo (vite build) last.
const build = spawnSync(npm, ['run', 'build'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  shell: process.platform === 'win32',
});
if (build.status !== 0) {
  process.stdout.write(build.stdout ?? '');
  process.stderr.write(build.stderr ?? '');
  console.error(
    `statesync demo: the build failed (${build.error?.message ?? `exit ${build.status}`})`,
  );
  process.exit(1);
}

const { startDemoServer } = await import('../demo/server.mjs');

const wanted = Number.parseInt(process.env.PORT ?? '5173', 10);
let server;
try {
  server = await startDemoServer({ port: Number.isNaN(wanted) ? 5173 : wanted });
} catch (error) {
  if (error?.code !== 'EADDRINUSE' && error?.code !== 'EACCES') throw error;
  console.log(`statesync demo: port ${wanted} is not available, using a free one`);
  server = await startDemoServer({ port: 0 });
}
console.log(`statesync demo: ${server.url}`);
console.log('Open it in two or more windows; press Ctrl+C to stop.');

// The server switch: with Redis installed, the to-do list can also run on @statesync/server.
const { startServerTier } = await import('./server-tier.mjs');
const origin = server.url.replace(/\/$/, '');
let tier;
try {
  tier = await startServerTier({
    entry: 'demo/server-tier.ts',
    origins: [origin, origin.replace('127.0.0.1', 'localhost')],
  });
  console.log(
    `statesync demo: the to-do list on a server (redis-server + @statesync/server): ${server.url}?server=${encodeURIComponent(tier.urls[0])}`,
  );
  console.log(
    '  Open that address in two browsers (or a normal and a private window): they share it.',
  );
} catch (error) {
  console.log(`statesync demo: no server switch (${error?.message ?? error}).`);
  if (error?.code === 'REDIS_MISSING') {
    console.log(
      '  Install Redis (Debian: apt-get install redis-server) to run the to-do list on a server.',
    );
  }
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  await tier?.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
