import type { Timers } from './types.js';

/** {@link Timers} on a virtual time line that moves only when a test says so. */
export interface VirtualClock extends Timers {
  /**
   * Moves time forward by `ms`, firing every timer that falls due in order, including timers
   * scheduled along the way. Pending promise callbacks run before, between and after timers.
   * If callbacks throw, the rest still fire and the first error is rethrown at the end.
   */
  advance(ms: number): Promise<void>;
  /** Fires timers until none remain. Throws when more than `maxTimers` fire (a runaway loop). */
  runAll(maxTimers?: number): Promise<void>;
  pendingCount(): number;
  /** Lets pending promise callbacks run without moving time. */
  flush(): Promise<void>;
}

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

// Captured at load so a test that fakes the platform timers cannot stall the clock's own waits.
const realSetImmediate =
  typeof globalThis.setImmediate === 'function'
    ? globalThis.setImmediate.bind(globalThis)
    : undefined;
const RealMessageChannel =
  typeof globalThis.MessageChannel === 'function' ? globalThis.MessageChannel : undefined;
const realSetTimeout = globalThis.setTimeout.bind(globalThis);

/** One real macrotask: by then every microtask queued before it has run. */
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (realSetImmediate !== undefined) {
      realSetImmediate(resolve);
    } else if (RealMessageChannel !== undefined) {
      const channel = new RealMessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    } else {
      realSetTimeout(resolve, 0);
    }
  });
}

export function createVirtualClock(startMs = 0): VirtualClock {
  let now = startMs;
  let nextId = 1;
  let busy = false;
  // Sorted by time, then by id (= insertion order).
  const queue: Timer[] = [];

  function insert(timer: Timer): void {
    let low = 0;
    let high = queue.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (queue[mid]!.at <= timer.at) low = mid + 1;
      else high = mid;
    }
    queue.splice(low, 0, timer);
  }

  /** Fires due timers until none is due by `until`; returns how many fired and the first error. */
  async function fireUntil(
    until: number,
    maxTimers: number,
  ): Promise<{ fired: number; error: { value: unknown } | undefined }> {
    let fired = 0;
    let error: { value: unknown } | undefined;
    await macrotask();
    for (let next = queue[0]; next !== undefined && next.at <= until; next = queue[0]) {
      if (fired === maxTimers) break;
      queue.shift();
      now = Math.max(now, next.at);
      fired++;
      try {
        next.callback();
      } catch (thrown) {
        error ??= { value: thrown };
      }
      await macrotask();
    }
    return { fired, error };
  }

  async function exclusive(task: () => Promise<void>): Promise<void> {
    // Overlapping calls almost always mean a missing `await` in the test.
    if (busy) throw new Error('virtual clock: advance() or runAll() is already running');
    busy = true;
    try {
      await task();
    } finally {
      busy = false;
    }
  }

  return {
    setTimeout(callback, ms) {
      // Like the platforms, a negative or non-finite delay means "as soon as possible".
      const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
      const timer = { id: nextId++, at: now + delay, callback };
      insert(timer);
      return timer.id;
    },
    clearTimeout(handle) {
      const index = queue.findIndex((timer) => timer.id === handle);
      if (index !== -1) queue.splice(index, 1);
    },
    now: () => now,
    advance(ms) {
      return exclusive(async () => {
        if (!Number.isFinite(ms) || ms < 0)
          throw new RangeError(`virtual clock: cannot advance by ${ms}ms`);
        const target = now + ms;
        const { error } = await fireUntil(target, Number.POSITIVE_INFINITY);
        now = Math.max(now, target);
        if (error !== undefined) throw error.value;
      });
    },
    runAll(maxTimers = 10_000) {
      return exclusive(async () => {
        const { error } = await fireUntil(Number.POSITIVE_INFINITY, maxTimers);
        if (queue.length > 0) {
          throw new Error(
            `virtual clock: runAll() fired ${maxTimers} timers and more remain; is a timer rescheduling itself?`,
          );
        }
        if (error !== undefined) throw error.value;
      });
    },
    pendingCount: () => queue.length,
    flush: macrotask,
  };
}
