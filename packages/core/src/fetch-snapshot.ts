import { StateSyncError, toStateSyncError } from './errors.js';
import type { SnapshotEnvelope, SnapshotProvider, Timers, Topic } from './types.js';
import { parseSnapshot } from './validate.js';

export interface PendingFetch<T> {
  /** The validated snapshot, or a `StateSyncError` (timeout, provider failure, protocol). */
  result: Promise<SnapshotEnvelope<T>>;
  /** Settles `result` with `reason` now and aborts the provider's signal. */
  abort(reason: StateSyncError): void;
}

/**
 * One `getSnapshot` call bounded by `timeoutMs` (`Infinity`: unbounded). A provider that ignores its signal cannot
 * hold the caller: its late answer is dropped.
 */
export function fetchSnapshot<T>(
  provider: SnapshotProvider<T>,
  topic: Topic,
  timeoutMs: number,
  timers: Timers,
): PendingFetch<T> {
  const controller = new AbortController();
  let settled = false;
  let abort!: (reason: StateSyncError) => void;
  const result = new Promise<SnapshotEnvelope<T>>((resolve, reject) => {
    const finish = (error: StateSyncError | undefined, value?: unknown) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      if (error) {
        controller.abort(error);
        reject(error);
        return;
      }
      try {
        resolve(parseSnapshot<T>(value));
      } catch (invalid) {
        reject(invalid);
      }
    };
    const timer =
      timeoutMs === Number.POSITIVE_INFINITY
        ? undefined
        : timers.setTimeout(
            () =>
              finish(new StateSyncError('timeout', `getSnapshot timed out after ${timeoutMs}ms`)),
            timeoutMs,
          );
    abort = (reason) => finish(reason);
    Promise.resolve()
      .then(() => provider.getSnapshot({ topic, signal: controller.signal }))
      .then(
        (value) => finish(undefined, value),
        (error) => finish(toStateSyncError(error, 'snapshot_failed', 'getSnapshot failed')),
      );
  });
  return { result, abort };
}
