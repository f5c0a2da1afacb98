import type { Timers } from './types.js';

/**
 * The platform's timers and wall clock. Each call goes through `globalThis` at call time, as a
 * method call, so browsers see the `this` they insist on and fakes installed later still apply.
 */
export const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) =>
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
  now: () => Date.now(),
};

/** Holds at most one timer. */
export interface TimerSlot {
  set(callback: () => void, delayMs: number): void;
  clear(): void;
  now(): number;
}

export function timerSlot(timers: Timers): TimerSlot {
  // Wrapped so any handle value (even 0 or undefined) counts as "set".
  let timer: { handle: unknown } | undefined;
  const clear = () => {
    if (timer !== undefined) timers.clearTimeout(timer.handle);
    timer = undefined;
  };
  return {
    set(callback, delayMs) {
      clear();
      timer = { handle: timers.setTimeout(callback, delayMs) };
    },
    clear,
    now: () => timers.now(),
  };
}
