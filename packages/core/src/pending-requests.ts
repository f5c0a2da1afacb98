import { StateSyncError } from './errors.js';
import { defaultTimers } from './timers.js';
import type { Timers } from './types.js';

/** How a request settles: with a value, or with an error. */
export type RequestOutcome<T> = { value: T } | { error: unknown };

export interface PendingRequestsOptions<T, D> {
  /** For the timeouts. @default defaultTimers */
  timers?: Timers;
  /** How a request that timed out settles. @default a `timeout` error naming the id */
  onTimeout?(id: string, data: D, timeoutMs: number): RequestOutcome<T>;
  /** Told once a request has left, however it left (settled or taken): release what it held. */
  onLeave?(id: string, data: D): void;
}

export interface RequestOptions {
  /** Settles the request by `onTimeout` this long after it was added. @default no timeout */
  timeoutMs?: number;
  /** Rejects the request with the signal's reason when it aborts. */
  signal?: AbortSignal;
}

/** A request taken out unsettled, for its new owner to settle. */
export interface TakenRequest<T, D> {
  data: D;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Requests in flight, by id: each settles exactly once, whether answered, failed, timed out,
 * aborted or stopped; late answers find nothing and are ignored.
 */
export interface PendingRequests<T, D = undefined> {
  /** Waits for the answer to request `id`, keeping `data` with it for its owner. */
  add(id: string, data: D, options?: RequestOptions): Promise<T>;
  /** The data of request `id`, while it is in flight. */
  get(id: string): D | undefined;
  /** Settles request `id` with `value`. False when it is not in flight (any more). */
  resolve(id: string, value: T): boolean;
  /** Settles request `id` with `error`. False when it is not in flight (any more). */
  reject(id: string, error: unknown): boolean;
  /** Takes request `id` out without settling it: its timer stops, its new owner settles it. */
  take(id: string): TakenRequest<T, D> | undefined;
  /** The ids in flight, oldest first. */
  ids(): string[];
  size(): number;
  /** Rejects every request in flight with `error`: the owner stopped. */
  rejectAll(error: unknown): void;
}

interface Entry<T, D> extends TakenRequest<T, D> {
  release(): void;
}

/** The one request bookkeeper: ids → pending, with timeouts, aborts and settle-once. */
export function createPendingRequests<T, D = undefined>(
  options: PendingRequestsOptions<T, D> = {},
): PendingRequests<T, D> {
  const timers = options.timers ?? defaultTimers;
  const entries = new Map<string, Entry<T, D>>();

  const leave = (id: string) => {
    const entry = entries.get(id);
    if (!entry) return undefined;
    entries.delete(id);
    entry.release();
    options.onLeave?.(id, entry.data);
    return entry;
  };
  const settle = (id: string, outcome: RequestOutcome<T>) => {
    const entry = leave(id);
    if (!entry) return false;
    if ('value' in outcome) entry.resolve(outcome.value);
    else entry.reject(outcome.error);
    return true;
  };

  return {
    add(id, data, { timeoutMs, signal } = {}) {
      return new Promise<T>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        if (entries.has(id)) {
          reject(new StateSyncError('invalid_option', `request ${id} is already in flight`));
          return;
        }
        const onAbort = () => settle(id, { error: signal?.reason });
        const timer =
          timeoutMs === undefined
            ? undefined
            : timers.setTimeout(() => {
                const entry = entries.get(id);
                if (!entry) return;
                settle(
                  id,
                  options.onTimeout?.(id, entry.data, timeoutMs) ?? {
                    error: new StateSyncError(
                      'timeout',
                      `request ${id} timed out after ${timeoutMs} ms`,
                    ),
                  },
                );
              }, timeoutMs);
        entries.set(id, {
          data,
          resolve,
          reject,
          release() {
            if (timer !== undefined) timers.clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
          },
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    get: (id) => entries.get(id)?.data,
    resolve: (id, value) => settle(id, { value }),
    reject: (id, error) => settle(id, { error }),
    take(id) {
      const entry = leave(id);
      return entry && { data: entry.data, resolve: entry.resolve, reject: entry.reject };
    },
    ids: () => [...entries.keys()],
    size: () => entries.size,
    rejectAll(error) {
      for (const id of [...entries.keys()]) settle(id, { error });
    },
  };
}
