import {
  compareRevisions,
  isCanonicalRevision,
  isRecord,
  type Revision,
  type RevisionStamp,
} from '@statesync/core';
import { storageError } from './storage-error.js';
import type { PersistedMeta, PersistedRecord } from './types.js';

/** Marks what statesync stored, so foreign data under the same key is told apart. */
const FORMAT = 'statesync/persisted@1';

/** The stored form of a record, as backends write it (JSON text or a structured clone). */
export interface EncodedRecord {
  format: typeof FORMAT;
  meta: PersistedMeta;
  data: unknown;
}

export function encodeRecord<T>(record: PersistedRecord<T>): EncodedRecord {
  return { format: FORMAT, meta: record.meta, data: record.data };
}

/** Checks what a backend read; throws a `storage` error (`foreign` or `corrupt`) when unusable. */
export function decodeRecord<T>(raw: unknown, where: string): PersistedRecord<T> {
  if (!isRecord(raw) || raw.format !== FORMAT) {
    throw storageError('foreign', `${where} holds data statesync did not write`);
  }
  const { meta } = raw;
  const broken = (what: string) => storageError('corrupt', `${where}: ${what}`);
  if (!isRecord(meta)) throw broken('metadata is missing');
  if (!isCanonicalRevision(meta.revision)) throw broken('metadata has no valid revision');
  if (meta.epoch !== undefined && (typeof meta.epoch !== 'string' || meta.epoch === '')) {
    throw broken('metadata has an invalid epoch');
  }
  if (!Number.isInteger(meta.schemaVersion) || (meta.schemaVersion as number) < 0) {
    throw broken('metadata has no valid schemaVersion');
  }
  if (typeof meta.savedAt !== 'number' || !Number.isFinite(meta.savedAt)) {
    throw broken('metadata has no valid savedAt');
  }
  if (!('data' in raw)) throw broken('data is missing');
  return { meta: meta as unknown as PersistedMeta, data: raw.data as T };
}

/** The largest u64 revision: no change can follow it. */
const LAST_REVISION: Revision = '18446744073709551615';

/**
 * Whether a change can still follow `revision`. A copy at the largest revision would make every
 * later change look older and freeze the tab holding it.
 */
export const leavesRoom = (revision: Revision) => revision !== LAST_REVISION;

/** How stamp `a` relates to `b`; stamps of two different epochs are `unrelated`. */
export type Relation = 'newer' | 'same' | 'older' | 'unrelated';

export function relate(a: RevisionStamp, b: RevisionStamp | undefined): Relation {
  if (b === undefined) return 'newer';
  if (a.epoch !== undefined && b.epoch !== undefined && a.epoch !== b.epoch) return 'unrelated';
  const order = compareRevisions(a.revision, b.revision);
  return order > 0 ? 'newer' : order < 0 ? 'older' : 'same';
}

export function stampOf(value: RevisionStamp): RevisionStamp {
  return value.epoch === undefined
    ? { revision: value.revision }
    : { revision: value.revision, epoch: value.epoch };
}
