import { isStateSyncError, StateSyncError } from '@statesync/core';

/** The `reason` of a `storage` error: what went wrong with the stored copy. */
export type StorageFailure =
  /** The storage is full (QuotaExceededError). */
  | 'quota'
  /** What is stored cannot be parsed, or its metadata is broken. */
  | 'corrupt'
  /** What is stored was not written by statesync, or by a newer schema version. */
  | 'foreign'
  /** IndexedDB: another tab keeps an older version of the database open. */
  | 'blocked'
  /** IndexedDB: the database cannot be opened or upgraded at the version asked for. */
  | 'upgrade'
  /** A migration threw, or one is missing. */
  | 'migration'
  /** The storage does not exist here or refuses access (private mode, sandboxed frame). */
  | 'unavailable'
  /** Anything else the storage threw. */
  | 'failed';

export function storageError(
  reason: StorageFailure,
  message: string,
  cause?: unknown,
): StateSyncError {
  return new StateSyncError(
    'storage',
    message,
    cause === undefined ? { reason } : { reason, cause },
  );
}

/** True for the many ways browsers say "storage is full". */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22;
}

/** Wraps whatever a backend threw while doing `what` into a typed error. */
export function toStorageError(error: unknown, what: string): StateSyncError {
  if (isStateSyncError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (isQuotaError(error))
    return storageError('quota', `${what}: storage is full (${detail})`, error);
  if (error instanceof Error && error.name === 'DataCloneError') {
    return new StateSyncError('not_cloneable', `${what}: ${detail}`, { cause: error });
  }
  if (error instanceof Error && error.name === 'SecurityError') {
    return storageError('unavailable', `${what}: storage refused access (${detail})`, error);
  }
  return storageError('failed', `${what}: ${detail}`, error);
}
