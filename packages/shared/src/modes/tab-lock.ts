import type { Logger } from '@statesync/core';
import type { SharedAppOptions } from '../types.js';
import { tabLockPrefix } from '../wire/names.js';

/**
 * Takes this app's own Web Lock, held until dispose (or the page goes away). `held` settles
 * once it is taken, or at once where there are no Web Locks.
 */
export function holdTabLock(
  app: string,
  clientId: string,
  runtime: { locks: LockManager | undefined; logger: Logger },
) {
  const { locks } = runtime;
  if (!locks) return undefined;
  const name = `${tabLockPrefix(app)}${clientId}`;
  let release = () => {};
  const held = new Promise<void>((taken) => {
    locks
      .request(
        name,
        () =>
          new Promise<void>((resolve) => {
            release = resolve;
            taken();
          }),
      )
      .catch((error: unknown) => {
        runtime.logger.warn('could not take the tab lock', { error });
        taken();
      });
  });
  return { name, held, release: () => release() };
}

export function lockManager(share: SharedAppOptions['share']): LockManager | undefined {
  if ('locks' in share && share.locks) return share.locks;
  return (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
}
