#!/usr/bin/env node
// `npm run chaos`: 10,000 seeded chaos schedules of each layer (revision sync, then the shared
// app), each checked for divergence once traffic stops, revision regressions and applied forged
// data. Prints each layer's seed and counts, and a replay line for every failing schedule.
//
//   CHAOS_SEED=<n>       another seed (default: the fixed one the tests print)
//   CHAOS_SCHEDULES=<n>  schedules per layer (default 10000)
//   CHAOS_LAYER=<name>   only revision-sync or shared-app
//   CHAOS_INDEX=<i>      replay one schedule (with its seed and layer, as printed)
//   CHAOS_FLAGGED=0      without the poisoning forgeries (revisions or epochs never served) and
//                        the stall and lag-report checks, which run by default
//   CHAOS_DEBUG=1        with CHAOS_INDEX: the engines' debug log (revision-sync)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = {
  'revision-sync': 'packages/core/test/chaos/chaos.test.ts',
  'shared-app': 'packages/shared/test/chaos/chaos.test.ts',
};
const layer = process.env.CHAOS_LAYER;
if (layer !== undefined && !(layer in LAYERS)) {
  console.error(`CHAOS_LAYER must be one of ${Object.keys(LAYERS).join(', ')}`);
  process.exit(2);
}
const files = layer === undefined ? Object.values(LAYERS) : [LAYERS[layer]];
// Bounded: the tests stop at their own timeout, this at 30 minutes.
const result = spawnSync(
  join(root, 'node_modules', '.bin', 'vitest'),
  ['run', '--project', 'unit', '--no-file-parallelism', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    timeout: 30 * 60_000,
    env: { ...process.env, CHAOS_SCHEDULES: process.env.CHAOS_SCHEDULES ?? '10000' },
  },
);
process.exit(result.status ?? 1);
