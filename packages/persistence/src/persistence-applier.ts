import {
  applyPatch,
  type RevisionStamp,
  type SnapshotEnvelope,
  StateSyncError,
  toStateSyncError,
} from '@statesync/core';
import { createPersistenceContext } from './persistence-context.js';
import { relate, stampOf } from './record.js';
import { restore } from './restore.js';
import { createSaver } from './saver.js';
import { createTabSync } from './tab-sync.js';
import type { PersistenceApplier, PersistenceApplierOptions, PersistenceEvent } from './types.js';
import { validateOptions } from './validate-options.js';

/**
 * Wraps an applier so that every snapshot it applies is also persisted, restored on the next
 * start (`hydrate`), and, with `crossTabSync`, shared with the other tabs of the origin.
 *
 * One queue orders everything that touches state: snapshots from the engine, deltas, snapshots
 * from other tabs and hydration. Snapshots from other tabs and from storage are applied only
 * when newer than what this tab holds; the engine's own snapshots always are, unless another
 * tab already brought a newer revision of the same epoch. Saves run one at a time, newest state
 * first, and never replace a newer stored record, so a slow storage cannot go back in time.
 */
export function createPersistenceApplier<T>(
  options: PersistenceApplierOptions<T>,
): PersistenceApplier<T> {
  validateOptions(options);
  const { applier: inner, crossTabSync } = options;
  const context = createPersistenceContext(options);
  const { storage, stats, serially } = context;
  const saver = createSaver(context);
  const tabs = createTabSync(context, saver);
  let hydration: Promise<RevisionStamp | undefined> | undefined;

  const result: PersistenceApplier<T> = {
    apply: (snapshot) =>
      serially(async () => {
        // Another tab already brought a newer revision of this epoch: keep it.
        if (relate(snapshot, context.held) === 'older') return;
        await context.bounded(inner.apply(snapshot), 'apply()');
        stats.applies++;
        context.hold(snapshot);
        // Other tabs first: they need not wait for storage.
        tabs.broadcast(snapshot);
        saver.schedule();
      }),

    hydrate() {
      hydration ??= serially(async () => {
        if (!context.disposed) await restore(context, saver);
        if (crossTabSync?.requestOnStart ?? true) tabs.request();
        return context.held && stampOf(context.held);
      });
      return hydration;
    },

    watchRevision(listener) {
      const own = (stamp: RevisionStamp) => listener(stamp);
      context.watchers.add(own);
      return () => context.watchers.delete(own);
    },

    getSnapshot: () => context.held,

    flush: () => saver.flush(),

    async dispose({ flush = true } = {}) {
      if (context.disposed) return;
      if (flush) await saver.flush();
      context.disposed = true;
      saver.cancel();
      tabs.close();
      context.watchers.clear();
      await saver.idle();
    },

    async clear() {
      await serially(async () => {
        saver.discard();
        await saver.idle();
        try {
          await context.bounded(storage.clear(), 'storage.clear()');
        } catch (error) {
          const typed = toStateSyncError(error, 'storage', 'clearing');
          context.fail(typed, { operation: 'clear' });
          throw typed;
        }
      });
    },

    subscribe(listener) {
      const own = (event: PersistenceEvent) => listener(event);
      context.listeners.add(own);
      return () => context.listeners.delete(own);
    },

    getStats: () => ({ ...stats }),
  };

  const { applyPatch: innerPatch } = inner;
  if (innerPatch) {
    result.applyPatch = (patch) =>
      serially(async () => {
        const { held } = context;
        const relation = relate(patch, held);
        if (relation === 'older') return;
        if (!held || relation === 'unrelated' || held.revision !== patch.base) {
          // The engine repairs this by pulling a snapshot.
          throw new StateSyncError(
            'apply_failed',
            `delta from ${patch.base} does not fit the held revision ${held?.revision ?? 'none'}`,
          );
        }
        const data = applyPatch(held.data, patch.ops);
        await context.bounded(innerPatch.call(inner, patch), 'applyPatch()');
        stats.patches++;
        const snapshot: SnapshotEnvelope<T> = { revision: patch.revision, data };
        const epoch = patch.epoch ?? held.epoch;
        if (epoch !== undefined) snapshot.epoch = epoch;
        context.hold(snapshot);
        tabs.broadcast(snapshot);
        saver.schedule();
      });
  }

  return result;
}
