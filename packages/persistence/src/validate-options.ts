import { StateSyncError } from '@statesync/core';
import type { PersistenceApplierOptions } from './types.js';

/** Platform timers overflow past this and fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Throws `invalid_option` for options the persistence applier cannot work with. */
export function validateOptions<T>(options: PersistenceApplierOptions<T>): void {
  const invalid = (message: string) => new StateSyncError('invalid_option', message);
  const { storage, applier, schemaVersion, ttlMs, timeoutMs, crossTabSync, migrations } = options;
  for (const method of ['load', 'save', 'clear'] as const) {
    if (typeof storage?.[method] !== 'function') {
      throw invalid(`storage must have load, save and clear methods (missing ${method})`);
    }
  }
  if (typeof applier?.apply !== 'function') throw invalid('applier must have an apply method');
  if (schemaVersion !== undefined && !(Number.isInteger(schemaVersion) && schemaVersion >= 0)) {
    throw invalid('schemaVersion must be a non-negative integer');
  }
  if (ttlMs !== undefined && !(ttlMs > 0)) throw invalid('ttlMs must be above 0');
  if (timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY) {
    if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)) {
      throw invalid(`timeoutMs must be in 1..${MAX_TIMER_MS} or Infinity`);
    }
  }
  if (crossTabSync && (typeof crossTabSync.channelName !== 'string' || !crossTabSync.channelName)) {
    throw invalid('crossTabSync.channelName must be a non-empty string');
  }
  if (migrations !== undefined && (typeof migrations !== 'object' || migrations === null)) {
    throw invalid('migrations must be an object of functions keyed by schema version');
  }
}
