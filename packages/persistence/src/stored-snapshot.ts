import { type SnapshotEnvelope, toStateSyncError } from '@statesync/core';
import { migrate } from './migrate.js';
import type { PersistenceContext } from './persistence-context.js';
import type { PersistedRecord } from './types.js';

/** The snapshot a stored record holds, migrated; `undefined` (reported) if it cannot be. */
export async function storedSnapshot<T>(
  context: PersistenceContext<T>,
  record: PersistedRecord<T>,
): Promise<SnapshotEnvelope<T> | undefined> {
  const { meta } = record;
  let data: T;
  try {
    data = (await context.bounded(
      migrate(record, context.schemaVersion, context.options.migrations),
      'migrating',
    )) as T;
  } catch (error) {
    context.fail(toStateSyncError(error, 'storage', 'migrating'), {
      operation: 'migrate',
      revision: meta.revision,
    });
    return undefined;
  }
  const snapshot: SnapshotEnvelope<T> = { revision: meta.revision, data };
  if (meta.epoch !== undefined) snapshot.epoch = meta.epoch;
  return snapshot;
}
