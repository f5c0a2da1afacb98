import { StateSyncError } from '@statesync/core/base';
import type {
  ActionArgs,
  ActionName,
  ActionResult,
  AnyStoreDefinition,
  StoreHandle,
} from '../types.js';

export type Caller = (action: string, args: readonly unknown[]) => Promise<unknown>;

/**
 * How a handle's calls reach its authority: a hidden, non-enumerable property under a global
 * symbol, so that handles made by one build of the package (say the testing entry's CommonJS
 * copy) work with `spawn` from another.
 */
const CALLER = Symbol.for('statesync.shared.caller');

/** Makes `handle` usable with {@link spawn}. */
export function registerCaller(handle: object, caller: Caller): void {
  Object.defineProperty(handle, CALLER, { value: caller });
}

/**
 * Runs `action` of `store` on the authority with `args` and resolves with what the action
 * returned, once this app's copy of the store shows the change (read your writes).
 *
 * Rejects with a `StateSyncError`: `remote` (with the thrown error's `name` as `remoteName` and
 * its message) when the action throws; `not_cloneable` naming the path when an argument or the
 * result cannot be structured-cloned; `timeout` when the authority does not answer, or this
 * copy does not catch up, within `callTimeoutMs`; `invalid_option` for an unknown action;
 * `stopped` when the app is disposed first.
 */
export function spawn<D extends AnyStoreDefinition, K extends ActionName<D>>(
  store: StoreHandle<D>,
  action: K,
  args: ActionArgs<D, K>,
): Promise<ActionResult<D, K>> {
  const caller = (store as unknown as Record<symbol, Caller | undefined> | null)?.[CALLER];
  if (!caller) {
    return Promise.reject(
      new StateSyncError(
        'invalid_option',
        'spawn needs a store handle from app.store(definition), not a definition',
      ),
    );
  }
  return caller(action, args as readonly unknown[]) as Promise<ActionResult<D, K>>;
}
