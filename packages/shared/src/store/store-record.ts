import type { Revision } from '@statesync/core';
import { isRevision } from '../wire/parse-message.js';
import type { LedgerEntry } from '../wire/protocol.js';

/**
 * One store at one revision with the calls that made it: what a tab hands over at a failover,
 * what storage keeps, and so where a new authority's store starts instead of `state()`.
 */
export interface StoreRecord {
  revision: Revision;
  data: object;
  calls: readonly LedgerEntry[];
}

/** A stored or received record, checked before it may become the truth. */
export function isStoreRecord(value: unknown): value is StoreRecord {
  const record = value as Partial<StoreRecord> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.revision === 'string' &&
    isRevision(record.revision) &&
    typeof record.data === 'object' &&
    record.data !== null &&
    Array.isArray(record.calls)
  );
}
