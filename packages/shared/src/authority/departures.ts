import type { Logger } from '@statesync/core';

/** Resolves when Web Lock `lock` is free: its holder is gone. Rejects when `signal` aborts. */
export type LockWatcher = (lock: string, signal: AbortSignal) => Promise<unknown>;

/**
 * Watches clients that hold a Web Lock for their life: `onGone` runs once the authority can
 * take that lock (the client's page closed or crashed), unless `signal` aborted first.
 */
export function createDepartureWatcher(watchLock: LockWatcher | undefined, logger: Logger) {
  const watch = watchLock ?? defaultLockWatcher();
  return (lock: string, signal: AbortSignal, onGone: () => void) => {
    watch?.(lock, signal).then(onGone, (error: unknown) => {
      if (!signal.aborted) logger.warn('cannot watch a client for departure', { error });
    });
  };
}

/**
 * Waits for a Web Lock and lets go of it at once: held means its holder is still there. Only a
 * lock this side can see held is watched: a client in another lock space (a cross-origin frame,
 * an extension's content script) would otherwise look gone at once; those say bye instead.
 */
function defaultLockWatcher(): LockWatcher | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) return undefined;
  return async (lock, signal) => {
    const { held = [] } = await locks.query();
    if (!held.some((info) => info.name === lock)) return new Promise<never>(() => {});
    return locks.request(lock, { signal }, () => undefined);
  };
}
