import { StateSyncError } from './errors.js';
import type { Timers } from './types.js';

export interface DeadlineOptions {
  /** `Infinity`: no limit. */
  timeoutMs: number;
  timers: Timers;
  /** Names the wait in the `timeout` error: `${what} did not settle within ${timeoutMs}ms`. */
  what: string;
  /** Gives up early: rejects with the error this promise resolves to (e.g. `stopped`). */
  until?: Promise<StateSyncError>;
}

/**
 * Waits for `work` (a value or a promise from user code) for at most `timeoutMs`, then rejects
 * with a `timeout` {@link StateSyncError}. The work itself is not cancelled: a late outcome is
 * dropped. A value that is not a promise is returned as it is, without a timer.
 */
export function withDeadline<R>(
  work: R | PromiseLike<R>,
  { timeoutMs, timers, what, until }: DeadlineOptions,
): Promise<R> {
  if (!isThenable(work)) return Promise.resolve(work);
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    let timer: unknown;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      settle();
    };
    if (timeoutMs !== Number.POSITIVE_INFINITY) {
      timer = timers.setTimeout(
        () =>
          finish(() =>
            reject(new StateSyncError('timeout', `${what} did not settle within ${timeoutMs}ms`)),
          ),
        timeoutMs,
      );
    }
    until?.then((reason) => finish(() => reject(reason)));
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/** A promise, or anything else with a `then` method (what `await` waits on). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
