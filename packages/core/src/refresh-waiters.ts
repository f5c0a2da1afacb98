import { StateSyncError } from './errors.js';
import type { Mark, RevisionGate } from './revision-gate.js';

export interface RefreshWaiters {
  /** A `refresh()` call: settles with the first fetch numbered above `afterFetch`. */
  add(afterFetch: number): Promise<void>;
  /** Is a waiter that fetch `fetchNumber` should have served still below its revisions? */
  owed(fetchNumber: number): boolean;
  /**
   * Settles the waiters fetch `fetchNumber` was for: rejected with `error`, resolved when
   * served. `last`: no further fetch follows in this loop, so a waiter not served now never
   * will be.
   */
  settle(fetchNumber: number, error: StateSyncError | undefined, last: boolean): void;
  rejectAll(error: StateSyncError): void;
}

interface Waiter {
  afterFetch: number;
  /** The newest revisions known when `refresh()` was called. */
  marks: Mark[];
  resolve(): void;
  reject(error: StateSyncError): void;
}

/** The pending `refresh()` calls, each waiting for the revisions known when it was made. */
export function createRefreshWaiters(gate: RevisionGate): RefreshWaiters {
  const waiters = new Set<Waiter>();
  return {
    add: (afterFetch) =>
      new Promise<void>((resolve, reject) => {
        waiters.add({ afterFetch, marks: gate.marks(), resolve, reject });
      }),

    owed(fetchNumber) {
      if (waiters.size === 0) return false;
      for (const w of waiters) if (fetchNumber > w.afterFetch && !gate.served(w.marks)) return true;
      return false;
    },

    settle(fetchNumber, error, last) {
      if (waiters.size === 0) return;
      for (const waiter of waiters) {
        if (fetchNumber <= waiter.afterFetch) continue;
        const served = gate.served(waiter.marks);
        if (!error && !served && !last) continue;
        waiters.delete(waiter);
        if (error) waiter.reject(error);
        else if (served) waiter.resolve();
        else {
          waiter.reject(
            new StateSyncError(
              'stale_snapshot',
              'a revision announced before refresh() was not served',
            ),
          );
        }
      }
    },

    rejectAll(error) {
      for (const waiter of waiters) waiter.reject(error);
      waiters.clear();
    },
  };
}
