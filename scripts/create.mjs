#!/usr/bin/env node
// `npm run create -- <dir> --template <name>`: create-statesync run from this clone. It packs
// the packages first (npm run pack: builds what is stale), and the new app installs those
// tarballs, copied into it, so nothing needs to be published. A relative <dir> is taken from the
// folder npm was started in.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKS_DIR, packAll } from './pack.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
  packAll();
} catch (error) {
  console.error(`[create] ${error.message}`);
  process.exit(1);
}
const cli = join(root, 'packages', 'create-statesync', 'dist', 'cli.js');
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2), '--packs', PACKS_DIR], {
  stdio: 'inherit',
});
process.exitCode = result.status ?? 1;
