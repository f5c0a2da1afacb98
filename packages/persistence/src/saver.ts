import { createThrottle, type SnapshotEnvelope, toStateSyncError } from '@statesync/core';
import type { PersistenceContext } from './persistence-context.js';
import { relate } from './record.js';
import { storageError } from './storage-error.js';
import type { PersistedMeta, PersistedRecord } from './types.js';

/** Saves what the tab holds: one save at a time, newest state first, throttled. */
export interface Saver {
  /** Marks the held state as unsaved and lets the throttle decide when to save it. */
  schedule(): void;
  /** Saves anything pending now and resolves when storage holds it. */
  flush(): Promise<void>;
  /** Stops the throttle; a save already running finishes. */
  cancel(): void;
  /** Forgets unsaved state and stops the throttle. */
  discard(): void;
  /** Resolves when no save is running. */
  idle(): Promise<void>;
}

export function createSaver<T>(context: PersistenceContext<T>): Saver {
  const { storage, schemaVersion, timers, stats, options } = context;
  let dirty = false;
  let saving: Promise<void> | undefined;

  const saveOne = async (snapshot: SnapshotEnvelope<T>) => {
    const meta = { revision: snapshot.revision, schemaVersion, savedAt: timers.now() };
    const record: PersistedRecord<T> = {
      meta: snapshot.epoch === undefined ? meta : { ...meta, epoch: snapshot.epoch },
      data: snapshot.data,
    };
    let refused: 'foreign' | 'skipped' | undefined;
    let storedRevision = '';
    const guard = (stored: PersistedMeta) => {
      storedRevision = stored.revision;
      if (stored.schemaVersion > schemaVersion) refused = 'foreign';
      else {
        const relation = relate(record.meta, stored);
        // The same revision is saved again only to store it in a newer (migrated) shape.
        const upgrade = relation === 'same' && stored.schemaVersion < schemaVersion;
        if (relation === 'older' || (relation === 'same' && !upgrade)) refused = 'skipped';
      }
      return refused === undefined;
    };
    let written: boolean | undefined;
    try {
      written = await context.bounded(storage.save(record, guard), 'storage.save()');
    } catch (error) {
      stats.saveErrors++;
      context.fail(toStateSyncError(error, 'storage', 'saving'), {
        operation: 'save',
        revision: snapshot.revision,
      });
      return;
    }
    if (written === false || refused) {
      if (refused === 'foreign') {
        context.fail(
          storageError(
            'foreign',
            `stored data has a schema version newer than ${schemaVersion}; not overwritten`,
          ),
          { operation: 'save', revision: snapshot.revision },
        );
      } else {
        stats.savesSkipped++;
        context.emit({ type: 'save-skipped', revision: snapshot.revision, storedRevision });
      }
      return;
    }
    stats.saves++;
    context.emit(
      snapshot.epoch === undefined
        ? { type: 'saved', revision: snapshot.revision }
        : { type: 'saved', revision: snapshot.revision, epoch: snapshot.epoch },
    );
  };

  const saveLoop = async () => {
    while (dirty && context.held) {
      dirty = false;
      await saveOne(context.held);
    }
  };

  const startSaving = () => {
    if (saving || !dirty) return;
    saving = saveLoop().finally(() => {
      saving = undefined;
      // A save asked for while the last one was finishing.
      if (dirty && !throttle.isPending()) startSaving();
    });
  };

  const throttle = createThrottle(
    startSaving,
    {
      debounceMs: options.throttling?.debounceMs ?? 0,
      maxWaitMs: options.throttling?.maxWaitMs ?? 1000,
    },
    timers,
  );

  return {
    schedule() {
      if (context.disposed) return;
      dirty = true;
      throttle.trigger();
    },
    async flush() {
      throttle.flush();
      // Bounded: each pass saves the newest state, and only new applies add passes.
      for (let pass = 0; pass < 100 && (saving || dirty); pass++) {
        startSaving();
        await saving;
      }
    },
    cancel: () => throttle.cancel(),
    discard() {
      dirty = false;
      throttle.cancel();
    },
    idle: async () => {
      await saving;
    },
  };
}
