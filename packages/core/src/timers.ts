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
