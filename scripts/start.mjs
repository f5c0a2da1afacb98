#!/usr/bin/env node
// `npm start`: builds the packages, then serves the two-windows demo on 127.0.0.1 until stopped.
import { spawnSync } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const build = spawnSync(npm, ['run', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (build.status !== 0) {
  console.error('statesync demo: the build failed, see above');
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
