import { assertCloneable, StateSyncError } from '@statesync/core/base';
import { findAction } from '../store/define-store.js';
import type { AnyStoreDefinition } from '../types.js';

/**
 * What a client checks of a call before sending it: the action exists, and its arguments are
 * an array that can travel. (Keys that reach a prototype are the authority's to refuse.)
 */
export function checkCall(definition: AnyStoreDefinition, action: string, args: unknown): void {
  const name = `${definition.name}.${action}`;
  if (!findAction(definition, action)) {
    throw new StateSyncError(
      'invalid_option',
      `store "${definition.name}" has no action "${action}"`,
    );
  }
  if (!Array.isArray(args))
    throw new StateSyncError('invalid_option', `${name}: args must be an array`);
  assertCloneable(args, `${name} args`);
}
