import type { Logger } from '@statesync/core';

/**
 * Watches Web Lock `lock`: resolves undefined when it is not held where this side can see it
 * (nothing to watch: its holder is unknown here, not gone), else with `gone`, which resolves
 * once the lock is free (its holder is gone) and rejects when `signal` aborts.
 */
export type LockWatcher = (
  lock: string,
  signal: AbortSignal,
) => Promise<{ gone: Promise<unknown> } | undefined>;

/**
 * Watches clients that hold a Web Lock for their life: `onGone` runs once the authority can
 * take that lock (the client's page closed or crashed), unless `signal` aborted first. Resolves
 * whether the lock is watched: a watched client's life is known from its lock.
 */
export function createDepartureWatcher(watchLock: LockWatcher | undefined, logger: Logger) {
  const watch = watchLock ?? defaultLockWatcher();
  const failed = (signal: AbortSignal) => (error: unknown) => {
    if (!signal.aborted) logger.warn('cannot watch a client for departure', { error });
    return false;
  };
  return (lock: string, signal: AbortSignal, onGone: () => void): Promise<boolean> => {
    if (!watch) return Promise.resolve(false);
    return watch(lock, signal).then((watching) => {
      if (!watching) return false;
      watching.gone.then(onGone, failed(signal));
      return true;
    }, failed(signal));
  };
}

/**
 * Waits for a Web Lock and lets go of it at once: held means its holder is still there. Only a
 * lock this side can see held is watched: a client in another lock space (a cross-origin frame,
 * an extension's content script) would otherwise look gone at once; those say bye instead, or
 * are dropped once they stop answering.
 */
function defaultLockWatcher(): LockWatcher | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) return undefined;
  return async (lock, signal) => {
    const { held = [] } = await locks.query();
    if (!held.some((info) => info.name === lock)) return undefined;
    return { gone: locks.request(lock, { signal }, () => undefined) };
  };
}
