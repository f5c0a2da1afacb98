#!/usr/bin/env node
// `npm start`: builds the packages, then serves the two-windows demo on 127.0.0.1 until stopped.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
console.log('statesync demo: building the packages...');
// The build's own output only matters when it fails.
const build = spawnSync(npm, ['run', 'build'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
});
if (build.status !== 0) {
  process.stdout.write(build.stdout ?? '');
  process.stderr.write(build.stderr ?? '');
  console.error(
    `statesync demo: the build failed (${build.error?.message ?? `exit ${build.status}`})`,
  );
  process.exit(1);
}

// Imported only now: the demo runs on the freshly built packages.
const { startDemoServer } = await import('../examples/two-windows/server.mjs');

const wanted = Number.parseInt(process.env.PORT ?? '5173', 10);
const log = (message, details) => console.log(`[demo] ${message}`, details ?? '');
let server;
try {
  server = await startDemoServer({ port: wanted, log });
} catch (error) {
  if (error?.code !== 'EADDRINUSE' && error?.code !== 'EACCES') throw error;
  console.log(`statesync demo: port ${wanted} is not available, using a free one`);
  server = await startDemoServer({ port: 0, log });
}
console.log(`statesync demo: ${server.url}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
