export interface WaitForOptions {
  /** Give up after this long. @default 10000 */
  timeoutMs?: number;
  /** Pause between two checks. @default 50 */
  intervalMs?: number;
  /** Names the awaited condition in the timeout error. */
  message?: string;
}

/**
 * Polls `predicate` until it returns a truthy value, and resolves with that value.
 * Bounded in time and in number of checks; rejects with the last thrown error or value seen.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50, message = 'condition' }: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  const maxChecks = Math.ceil(timeoutMs / Math.max(intervalMs, 1)) + 1;
  let last: unknown;
  let lastError: unknown;
  for (let check = 0; check < maxChecks; check++) {
    try {
      last = await predicate();
      lastError = undefined;
      if (last) return last as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const detail =
    lastError === undefined
      ? `last value: ${describe(last)}`
      : `last error: ${describe(lastError)}`;
  throw new Error(`waitFor: ${message} not met within ${timeoutMs} ms (${detail})`, {
    cause: lastError,
  });
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
