import { expect, it } from 'vitest';
import { chaosPlan, runChaos } from './chaos-run.js';
import { emptyCounts } from './forgeries.js';
import { playRevisionSchedule } from './revision-chaos.js';

// Fixed and printed. With the other layer's 500, `npm test` plays 1,000 schedules;
// `npm run chaos` plays 10,000 of each layer (scripts/chaos.mjs).
const plan = chaosPlan({ seed: 20261207, schedules: 500 });

it(`revision sync: ${plan.schedules} chaos schedules converge, never regress, apply nothing forged (seed ${plan.seed})`, async () => {
  const total = emptyCounts();
  const failures = await runChaos('revision-sync', plan, total, playRevisionSchedule);
  expect(failures).toEqual([]);
  // The faults really happened.
  if (plan.index === undefined) {
    for (const key of ['dropped', 'duplicated', 'reordered', 'restarts', 'forgedSent'] as const) {
      expect(total[key], key).toBeGreaterThan(0);
    }
  }
}, 600_000);
