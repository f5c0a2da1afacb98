import { StateSyncError } from './errors.js';
import type { RetryOptions } from './types.js';

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay after failed attempt number `attempt` (1-based). */
  delayAfter(attempt: number): number;
}

function check(value: number, what: string, min: number, max = Number.POSITIVE_INFINITY): number {
  if (!(value >= min && value <= max)) {
    throw new StateSyncError('invalid_option', `retry.${what} must be between ${min} and ${max}`);
  }
  return value;
}

/** Exponential backoff with jitter. `false` means a single attempt. */
export function createRetryPolicy(
  options: RetryOptions | false | undefined,
  random: () => number,
): RetryPolicy {
  if (options === false) return { maxAttempts: 1, delayAfter: () => 0 };
  const maxAttempts = check(options?.maxAttempts ?? 3, 'maxAttempts', 1);
  const initial = check(options?.initialDelayMs ?? 200, 'initialDelayMs', 0);
  const max = check(options?.maxDelayMs ?? 10_000, 'maxDelayMs', 0);
  const factor = check(options?.factor ?? 2, 'factor', 1);
  const jitter = check(options?.jitter ?? 0.5, 'jitter', 0, 1);
  return {
    maxAttempts,
    delayAfter(attempt) {
      const base = Math.min(max, initial * factor ** (attempt - 1));
      // Jitter only shortens the delay, so maxDelayMs stays a true upper bound.
      return Math.round(base * (1 - jitter * random()));
    },
  };
}
