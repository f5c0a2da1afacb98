import { expect, it } from 'vitest';
import { chaosPlan, runChaos } from '../../../core/test/chaos/chaos-run.js';
import { emptyCounts } from '../../../core/test/chaos/forgeries.js';
import { playAppSchedule } from './app-chaos.js';

// Fixed and printed. With the other layer's 500, `npm test` plays 1,000 schedules;
// `npm run chaos` plays 10,000 of each layer (scripts/chaos.mjs).
const plan = chaosPlan({ seed: 20261207, schedules: 500 });

it(`shared app: ${plan.schedules} chaos schedules converge, never regress, apply nothing forged (seed ${plan.seed})`, async () => {
  const total = emptyCounts();
  const failures = await runChaos('shared-app', plan, total, playAppSchedule);
  expect(failures).toEqual([]);
  if (plan.index === undefined) {
    for (const key of ['dropped', 'duplicated', 'reordered', 'forgedSent'] as const) {
      expect(total[key], key).toBeGreaterThan(0);
    }
  }
}, 600_000);
