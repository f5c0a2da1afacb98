import { compareRevisions, type Revision } from '@statesync/core/base';
import { isRevision } from '../wire/is-revision.js';
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

/**
 * The highest revision a shared store is served at: `Number.MAX_SAFE_INTEGER`. An authority
 * counts one revision per change from 0, so nothing beyond it comes from one; a copy there
 * would leave no room to count on (the next change would overflow).
 */
export const REVISION_CEILING: Revision = '9007199254740991';

/** Whether a store at `revision` still has room for the changes to come. */
export const hasHeadroom = (revision: Revision) =>
  compareRevisions(revision, REVISION_CEILING) <= 0;

/** What a store's state is made of: an array, a plain object, or anything else. */
export type StateKind = 'array' | 'object' | 'other';

export function kindOf(value: unknown): StateKind {
  if (Array.isArray(value)) return 'array';
  if (typeof value !== 'object' || value === null) return 'other';
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null ? 'object' : 'other';
}

/**
 * Why `data` cannot be the state of a store whose `state()` is of kind `kind`, or undefined:
 * a snapshot or a stored copy of an object store must be an object, never `null`, a string or
 * an array.
 */
export function dataProblem(data: unknown, kind: StateKind | undefined): string | undefined {
  if (typeof data !== 'object' || data === null) {
    return `data must be an object or an array, got ${data === null ? 'null' : typeof data}`;
  }
  const actual = kindOf(data);
  if (kind !== undefined && kind !== 'other' && actual !== kind) {
    return `data must be ${kind === 'array' ? 'an array' : 'a plain object'}, got ${actual === 'array' ? 'an array' : 'another object'}`;
  }
  return undefined;
}

/**
 * Why `value` cannot be a store's record (its shape, every ledger entry, the room left above
 * its revision), or undefined when it can. With `kind`, its data must be of that kind.
 */
export function recordProblem(value: unknown, kind?: StateKind): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const record = value as Partial<Record<keyof StoreRecord, unknown>>;
  if (!isRevision(record.revision)) return 'its revision is not a canonical revision';
  const revision = record.revision as Revision;
  if (!hasHeadroom(revision)) {
    return `its revision ${revision} is beyond ${REVISION_CEILING}, which no authority reaches`;
  }
  const data = dataProblem(record.data, kind);
  if (data !== undefined) return `its ${data}`;
  if (!Array.isArray(record.calls)) return 'its calls must be an array';
  const bad = record.calls.findIndex(
    (entry: unknown) =>
      !Array.isArray(entry) ||
      entry.length !== 3 ||
      typeof entry[0] !== 'string' ||
      entry[0] === '' ||
      !isRevision(entry[1]) ||
      compareRevisions(entry[1] as Revision, revision) > 0,
  );
  if (bad !== -1) return `its calls[${bad}] is not an [id, revision, value] entry of this copy`;
  return undefined;
}

/** A stored or received record, checked before it may become the truth. */
export function isStoreRecord(value: unknown): value is StoreRecord {
  return recordProblem(value) === undefined;
}
