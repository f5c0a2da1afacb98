import { StateSyncError } from '@statesync/core';
import { kindOf, recordProblem, type StoreRecord } from '../store/store-record.js';
import type { AnyStoreDefinition } from '../types.js';
import type { Report } from '../wire/report.js';

/**
 * The recovered copy of a store (from storage, or handed to a new leader tab) when it is a valid
 * record of that store: shape, kind of state, ledger and revision headroom. A bad copy is
 * reported and skipped: the store starts from `state()`.
 */
export function recoveredCopy(
  definition: AnyStoreDefinition,
  recovered: ReadonlyMap<string, StoreRecord> | undefined,
  report: Report,
): StoreRecord | undefined {
  const copy = recovered?.get(definition.name);
  if (copy === undefined) return undefined;
  const problem = recordProblem(copy, kindOf(definition.state()));
  if (problem === undefined) return copy;
  const error = new StateSyncError(
    'storage',
    `the recovered copy of store "${definition.name}" is skipped: ${problem}`,
    { reason: 'corrupt' },
  );
  report({ phase: 'sync', error, store: definition.name });
  return undefined;
}
