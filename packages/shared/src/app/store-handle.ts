import { type Caller, registerCaller } from '../client/spawn.js';
import type { StoreHandle } from '../types.js';

/**
 * Completes a store handle: `spawn` finds `caller` on it, and `handle.actions` holds one method
 * per action of its definition, each calling `caller` exactly as `spawn` does (so the same
 * checks, read-your-writes and typed errors apply).
 */
export function bindActions(handle: Omit<StoreHandle, 'actions'>, caller: Caller): StoreHandle {
  registerCaller(handle, caller);
  const actions: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(handle.definition.actions)) {
    actions[name] = (...args) => caller(name, args);
  }
  Object.defineProperty(handle, 'actions', { value: Object.freeze(actions), enumerable: true });
  return handle as StoreHandle;
}
