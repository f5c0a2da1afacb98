import { StateSyncError } from './errors.js';
import { type TimerSlot, timerSlot } from './timers.js';
import type { ThrottlingOptions, Timers } from './types.js';

export interface Throttle {
  /** Asks for a run; whether and when it happens depends on the options. */
  trigger(): void;
  /** Runs the pending call now, if there is one, and starts afresh. */
  flush(): void;
  /** Drops the pending call, if any, and starts afresh. */
  cancel(): void;
  /** True while a run is owed to earlier triggers. */
  isPending(): boolean;
}

/**
 * Rate-limits calls to `run`. Whatever the options, one trigger never causes two runs.
 *
 * - Neither `debounceMs` nor `throttleMs` above 0: every `trigger()` calls `run` synchronously.
 * - `debounceMs`: a burst is a run of triggers each less than `debounceMs` after the previous.
 *   With `leading` (default false) the first trigger of a burst runs at once. With `trailing`
 *   (default true) triggers not yet served run once the burst has been quiet for `debounceMs`,
 *   so a burst costs at most two runs with `leading` and one without. `maxWaitMs` bounds how
 *   long a trigger may wait for its trailing run while the burst goes on; it does not end the
 *   burst, so no extra leading run follows.
 * - `throttleMs` alone: each run opens a window of `throttleMs` in which nothing else runs.
 *   With `leading` (default true) a trigger outside a window runs at once and opens one;
 *   without it, such a trigger opens a window and waits for its end. With `trailing` (default
 *   true) triggers during a window cause one run when it ends, which opens the next window.
 *   Triggers during a window without `trailing` are dropped.
 * - Both: a debounce whose `maxWaitMs` is `throttleMs` (or `maxWaitMs`, if smaller).
 *
 * After `flush()` or `cancel()` the next trigger starts afresh, as if it were the first.
 * `run` is called last in each step, so it may call `trigger()` again; if it throws, the error
 * reaches the caller of `trigger()`/`flush()` or the timer.
 */
export function createThrottle(
  run: () => void,
  options: ThrottlingOptions,
  timers: Timers,
): Throttle {
  const debounceMs = duration(options.debounceMs, 'debounceMs');
  const throttleMs = duration(options.throttleMs, 'throttleMs');
  if (debounceMs === 0 && throttleMs === 0) {
    return { trigger: () => run(), flush() {}, cancel() {}, isPending: () => false };
  }
  const leading = options.leading ?? debounceMs === 0;
  const trailing = options.trailing ?? true;
  if (!leading && !trailing) {
    throw new StateSyncError(
      'invalid_option',
      'leading and trailing cannot both be false: nothing would ever run',
    );
  }
  const maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
  if (!(maxWaitMs > 0)) {
    throw new StateSyncError(
      'invalid_option',
      `maxWaitMs must be a positive number, got ${String(maxWaitMs)}`,
    );
  }

  const slot = timerSlot(timers);
  return debounceMs > 0
    ? debounced(run, slot, {
        debounceMs,
        maxWaitMs: Math.min(maxWaitMs, throttleMs || Number.POSITIVE_INFINITY),
        leading,
        trailing,
      })
    : windowed(run, slot, { throttleMs, leading, trailing });
}

function debounced(
  run: () => void,
  slot: TimerSlot,
  options: { debounceMs: number; maxWaitMs: number; leading: boolean; trailing: boolean },
): Throttle {
  const { debounceMs, maxWaitMs, leading, trailing } = options;
  let inBurst = false;
  let lastTriggerAt = 0;
  // Arrival of the oldest trigger still owed a run; undefined when nothing is owed.
  let owedSince: number | undefined;

  const reschedule = () => {
    let at = lastTriggerAt + debounceMs;
    if (owedSince !== undefined) at = Math.min(at, owedSince + maxWaitMs);
    slot.set(onTimer, at - slot.now());
  };

  function onTimer(): void {
    const owed = owedSince !== undefined;
    owedSince = undefined;
    // Fired by maxWait while triggers still come in: the burst goes on.
    if (slot.now() >= lastTriggerAt + debounceMs) {
      slot.clear();
      inBurst = false;
    } else {
      reschedule();
    }
    if (owed) run();
  }

  const reset = () => {
    slot.clear();
    inBurst = false;
    owedSince = undefined;
  };

  return {
    trigger() {
      lastTriggerAt = slot.now();
      if (!inBurst) {
        inBurst = true;
        if (leading) {
          reschedule();
          run();
          return;
        }
      }
      if (trailing) owedSince ??= lastTriggerAt;
      reschedule();
    },
    flush() {
      const owed = owedSince !== undefined;
      reset();
      if (owed) run();
    },
    cancel: reset,
    isPending: () => owedSince !== undefined,
  };
}

function windowed(
  run: () => void,
  slot: TimerSlot,
  options: { throttleMs: number; leading: boolean; trailing: boolean },
): Throttle {
  const { throttleMs, leading, trailing } = options;
  let windowOpen = false;
  let owed = false;

  const openWindow = () => {
    windowOpen = true;
    slot.set(onWindowEnd, throttleMs);
  };

  function onWindowEnd(): void {
    if (owed) {
      owed = false;
      openWindow();
      run();
    } else {
      slot.clear();
      windowOpen = false;
    }
  }

  const reset = () => {
    slot.clear();
    windowOpen = false;
    owed = false;
  };

  return {
    trigger() {
      if (!windowOpen) {
        openWindow();
        if (leading) {
          run();
          return;
        }
      }
      if (trailing) owed = true;
    },
    flush() {
      const wasOwed = owed;
      reset();
      if (wasOwed) run();
    },
    cancel: reset,
    isPending: () => owed,
  };
}

function duration(value: number | undefined, name: string): number {
  if (value === undefined) return 0;
  if (!(value >= 0) || value === Number.POSITIVE_INFINITY) {
    throw new StateSyncError(
      'invalid_option',
      `${name} must be a finite number >= 0, got ${String(value)}`,
    );
  }
  return value;
}
