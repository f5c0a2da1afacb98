import { toStateSyncError } from '@statesync/core';
import type { PersistenceContext } from './persistence-context.js';
import { relate, stampOf } from './record.js';
import type { Saver } from './saver.js';
import { storageError } from './storage-error.js';
import { storedSnapshot } from './stored-snapshot.js';
import type { PersistedRecord } from './types.js';

/**
 * Applies the stored record, unless it expired (then it is removed), claims to be saved in the
 * future (reported as `corrupt`), cannot be migrated, or something newer is already held. A migrated record is saved again in the new shape.
 */
export async function restore<T>(context: PersistenceContext<T>, saver: Saver): Promise<void> {
  const { storage, timers, options } = context;
  const ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
  let record: PersistedRecord<T> | undefined;
  try {
    record = await context.bounded(storage.load(), 'storage.load()');
  } catch (error) {
    context.fail(toStateSyncError(error, 'storage', 'loading'), { operation: 'load' });
    return;
  }
  if (!record) return;
  const { meta } = record;
  const now = timers.now();
  if (meta.savedAt > now) {
    // It would never expire; nothing this clock wrote can be from the future.
    context.fail(
      storageError('corrupt', `stored data was saved at ${meta.savedAt}, after now (${now})`),
      { operation: 'load', revision: meta.revision },
    );
    return;
  }
  if (now - meta.savedAt > ttlMs) {
    context.emit({ type: 'expired', savedAt: meta.savedAt });
    try {
      await context.bounded(storage.clear(), 'storage.clear()');
    } catch (error) {
      context.fail(toStateSyncError(error, 'storage', 'removing expired data'), {
        operation: 'clear',
      });
    }
    return;
  }
  const snapshot = await storedSnapshot(context, record);
  // Another tab (or the engine) may already have brought something newer.
  if (!snapshot || relate(snapshot, context.held) !== 'newer') return;
  try {
    await context.bounded(options.applier.apply(snapshot), 'apply()');
  } catch (error) {
    context.fail(toStateSyncError(error, 'apply_failed', 'applying stored data'), {
      operation: 'apply',
      revision: meta.revision,
    });
    return;
  }
  context.hold(snapshot);
  context.stats.hydrated = true;
  const migrated = meta.schemaVersion !== context.schemaVersion;
  context.emit({
    type: 'hydrated',
    ...stampOf(snapshot),
    ...(migrated && { migratedFrom: meta.schemaVersion }),
  });
  // Store the migrated shape, so the next start need not migrate again.
  if (migrated) saver.schedule();
}
