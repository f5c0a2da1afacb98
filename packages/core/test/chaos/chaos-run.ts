/** Runs chaos schedules as the environment says, for `chaos.test.ts` and `npm run chaos`. */
import { addCounts, type ChaosCounts, formatCounts } from './forgeries.js';

export interface ChaosPlan {
  seed: number;
  schedules: number;
  /** Only this schedule, to replay a failure. */
  index: number | undefined;
  flagged: boolean;
}

/**
 * CHAOS_SEED (default: the fixed seed given), CHAOS_SCHEDULES (default: the count given),
 * CHAOS_INDEX (replay one schedule), CHAOS_FLAGGED=0 (without the poisoning forgeries and the
 * stall and lag-report checks, which run by default). `scripts/chaos.mjs` documents them all.
 */
export function chaosPlan(defaults: { seed: number; schedules: number }): ChaosPlan {
  const env = process.env;
  return {
    seed: Number(env.CHAOS_SEED ?? defaults.seed),
    schedules: Number(env.CHAOS_SCHEDULES ?? defaults.schedules),
    index: env.CHAOS_INDEX === undefined ? undefined : Number(env.CHAOS_INDEX),
    flagged: env.CHAOS_FLAGGED !== '0',
  };
}

/**
 * Plays the plan's schedules one after another; prints the seed, the counts and a replay line
 * for every schedule that failed. Returns the totals and the failures.
 */
export async function runChaos(
  layer: string,
  plan: ChaosPlan,
  total: ChaosCounts,
  play: (
    seed: number,
    index: number,
    options: { flagged: boolean },
  ) => Promise<{ counts: ChaosCounts; failures: string[] }>,
): Promise<string[]> {
  const failures: string[] = [];
  const indexes =
    plan.index === undefined ? Array.from({ length: plan.schedules }, (_, i) => i) : [plan.index];
  for (const index of indexes) {
    const result = await play(plan.seed, index, { flagged: plan.flagged });
    addCounts(total, result.counts);
    if (result.failures.length > 0) {
      const flag = plan.flagged ? '' : ' CHAOS_FLAGGED=0';
      const replay = `CHAOS_LAYER=${layer} CHAOS_SEED=${plan.seed} CHAOS_INDEX=${index}${flag}`;
      failures.push(`${layer} schedule ${index} (replay: ${replay} npm run chaos)`);
      for (const line of result.failures.slice(0, 5)) failures.push(`  ${line}`);
    }
  }
  console.log(formatCounts(layer, plan.seed, total));
  for (const line of failures) console.log(line);
  return failures;
}
