import type { SnapshotEnvelope, WireError } from '@statesync/core';

/**
 * A failed pull, answered as data: Electron turns an error thrown in a handler into a plain
 * message string, so the code would not survive the trip.
 */
export interface ElectronSnapshotError {
  error: WireError;
}

/** What the snapshot channel answers: the snapshot itself, or `{ error }`. */
export type ElectronSnapshotReply<T> = SnapshotEnvelope<T> | ElectronSnapshotError;

/** An error reply has `error` and no `revision`; a snapshot always has a `revision`. */
export function isSnapshotError(reply: unknown): reply is { error: unknown } {
  return typeof reply === 'object' && reply !== null && 'error' in reply && !('revision' in reply);
}
