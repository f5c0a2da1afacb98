import { assertRevision } from '@statesync/core/base';

/** Whether `value` is a canonical revision string. */
export function isRevision(value: unknown): boolean {
  try {
    assertRevision(value, 'revision');
    return true;
  } catch {
    return false;
  }
}
