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

/**
 * One timer for a series of waits that never overlap: `start` each, `end` it once it settles.
 * Setting and clearing a platform timer per wait costs more than a short wait itself, so the
 * timer stays set across waits, and when it fires before the running wait's deadline it is set
 * again for the rest. Firing with no wait running, it stops. It never keeps a Node process
 * alive (`unref`): what is waited on does that, if anything does.
 */
export interface DeadlineWatch {
  /** Calls `onTimeout` unless `end()` comes within `timeoutMs`. */
  start(onTimeout: () => void): void;
  end(): void;
  /** Ends the wait and clears the timer. */
  clear(): void;
}

export function createDeadlineWatch(timeoutMs: number, timers: Timers): DeadlineWatch {
  let handle: unknown;
  let armed = false;
  let deadline = 0;
  let onTimeout: (() => void) | undefined;
  const arm = (ms: number) => {
    armed = true;
    handle = timers.setTimeout(fire, ms);
    (handle as { unref?(): void } | undefined)?.unref?.();
  };
  function fire() {
    armed = false;
    if (!onTimeout) return;
    const left = deadline - timers.now();
    if (left > 0) return arm(left);
    const timedOut = onTimeout;
    onTimeout = undefined;
    timedOut();
  }
  return {
    start(callback) {
      if (timeoutMs === Number.POSITIVE_INFINITY) return;
      onTimeout = callback;
      deadline = timers.now() + timeoutMs;
      if (!armed) arm(timeoutMs);
    },
    end() {
      onTimeout = undefined;
    },
    clear() {
      onTimeout = undefined;
      if (armed) timers.clearTimeout(handle);
      armed = false;
    },
  };
}
