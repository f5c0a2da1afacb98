import {
  applyPatch,
  createBroadcastChannelTransport,
  createThrottle,
  defaultTimers,
  noopLogger,
  parseSnapshot,
  type RevisionStamp,
  randomId,
  type SnapshotEnvelope,
  StateSyncError,
  type Transport,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core';
import { migrate } from './migrate.js';
import { relate, stampOf } from './record.js';
import { storageError } from './storage-error.js';
import type {
  PersistedMeta,
  PersistedRecord,
  PersistenceApplier,
  PersistenceApplierOptions,
  PersistenceErrorContext,
  PersistenceEvent,
  PersistenceStats,
  StorageBackend,
} from './types.js';

/** What tabs say to each other on the channel. */
type TabMessage =
  | { kind: typeof KIND; type: 'snapshot'; from: string; snapshot: SnapshotEnvelope<unknown> }
  | { kind: typeof KIND; type: 'request'; from: string };

const KIND = 'statesync.persistence';

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
  const { applier: inner, crossTabSync, onPersistenceError } = options;
  validate(options);
  // Stored data is this app's own earlier state; its type is the applier's.
  const storage = options.storage as StorageBackend<T>;
  const schemaVersion = options.schemaVersion ?? 1;
  const ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
  const timers = options.timers ?? defaultTimers;
  const logger = options.logger ?? noopLogger;
  const self = randomId();

  /** What this tab holds, whoever brought it. */
  let held: SnapshotEnvelope<T> | undefined;
  let disposed = false;
  let queue: Promise<unknown> = Promise.resolve();
  let hydration: Promise<RevisionStamp | undefined> | undefined;
  const listeners = new Set<(event: PersistenceEvent) => void>();
  const watchers = new Set<(stamp: RevisionStamp) => void>();
  const stats: PersistenceStats = {
    applies: 0,
    patches: 0,
    saves: 0,
    savesSkipped: 0,
    saveErrors: 0,
    broadcastsSent: 0,
    broadcastsReceived: 0,
    broadcastsApplied: 0,
    hydrated: false,
  };

  const emit = (event: PersistenceEvent) => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        logger.error('persistence listener threw', { error });
      }
    }
  };

  const fail = (error: StateSyncError, context: PersistenceErrorContext) => {
    logger.warn(`persistence ${context.operation} failed`, {
      code: error.code,
      reason: error.reason,
      message: error.message,
    });
    emit({ type: 'error', error, context });
    try {
      onPersistenceError?.(error, context);
    } catch (thrown) {
      logger.error('onPersistenceError threw', { error: thrown });
    }
  };

  /** Runs `task` after everything queued before it; a failure does not stop the queue. */
  const serially = <R>(task: () => Promise<R> | R): Promise<R> => {
    const run = queue.then(task);
    queue = run.catch(() => {});
    return run;
  };

  /** Records that this tab now holds `snapshot`; `announce` tells the engine (it did not bring it). */
  const hold = (snapshot: SnapshotEnvelope<T>, announce = false) => {
    held = snapshot;
    if (!announce) return;
    const stamp = stampOf(snapshot);
    for (const watcher of [...watchers]) watcher(stamp);
  };

  // ---- saving ----------------------------------------------------------------------------

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
      written = await storage.save(record, guard);
    } catch (error) {
      stats.saveErrors++;
      fail(toStateSyncError(error, 'storage', 'saving'), {
        operation: 'save',
        revision: snapshot.revision,
      });
      return;
    }
    if (written === false || refused) {
      if (refused === 'foreign') {
        fail(
          storageError(
            'foreign',
            `stored data has a schema version newer than ${schemaVersion}; not overwritten`,
          ),
          { operation: 'save', revision: snapshot.revision },
        );
      } else {
        stats.savesSkipped++;
        emit({ type: 'save-skipped', revision: snapshot.revision, storedRevision });
      }
      return;
    }
    stats.saves++;
    emit(
      snapshot.epoch === undefined
        ? { type: 'saved', revision: snapshot.revision }
        : { type: 'saved', revision: snapshot.revision, epoch: snapshot.epoch },
    );
  };

  const saveLoop = async () => {
    while (dirty && held) {
      dirty = false;
      await saveOne(held);
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

  const scheduleSave = () => {
    if (disposed) return;
    dirty = true;
    throttle.trigger();
  };

  // ---- other tabs ------------------------------------------------------------------------

  let channel: Transport<unknown> | undefined;
  let stopListening: Unsubscribe | undefined;
  const receiveUpdates = crossTabSync?.receiveUpdates ?? true;
  const broadcastSaves = crossTabSync?.broadcastSaves ?? true;

  const send = (message: TabMessage) => {
    if (!channel || disposed) return;
    try {
      channel.send(message);
      if (message.type === 'snapshot') stats.broadcastsSent++;
    } catch (error) {
      fail(toStateSyncError(error, 'not_cloneable', 'broadcasting'), {
        operation: 'broadcast',
        ...(message.type === 'snapshot' && { revision: message.snapshot.revision }),
      });
    }
  };

  const broadcast = (snapshot: SnapshotEnvelope<T>) => {
    if (broadcastSaves) send({ kind: KIND, type: 'snapshot', from: self, snapshot });
  };

  /**
   * A snapshot another tab holds: applied if newer than ours, in the same epoch. One of another
   * epoch goes to the engine, which asks the authority which epoch is live; without an engine
   * to ask, the sibling's snapshot is the best this tab can get.
   */
  const receive = (incoming: SnapshotEnvelope<T>) =>
    serially(async () => {
      if (disposed) return;
      stats.broadcastsReceived++;
      const relation = relate(incoming, held);
      const confirmByEngine = relation === 'unrelated' && watchers.size > 0;
      const applied = relation === 'newer' || (relation === 'unrelated' && !confirmByEngine);
      if (confirmByEngine) {
        const stamp = stampOf(incoming);
        for (const watcher of [...watchers]) watcher(stamp);
      }
      if (applied) {
        try {
          await inner.apply(incoming);
        } catch (error) {
          fail(toStateSyncError(error, 'apply_failed', 'applying a snapshot from another tab'), {
            operation: 'receive',
            revision: incoming.revision,
          });
          return;
        }
        stats.broadcastsApplied++;
        hold(incoming, true);
        // On storage every tab shares, the tab that sent it saves it.
        if (!storage.shared) scheduleSave();
      }
      emit({ type: 'received', ...stampOf(incoming), applied });
    });

  const onMessage = (raw: unknown) => {
    if (typeof raw !== 'object' || raw === null || (raw as { kind?: unknown }).kind !== KIND) {
      return;
    }
    const message = raw as Partial<TabMessage>;
    if (message.from === self) return;
    if (message.type === 'request') {
      // Answer with what this tab holds once anything queued before the request is applied.
      void serially(() => held && broadcast(held));
      return;
    }
    if (message.type !== 'snapshot' || !receiveUpdates) return;
    let snapshot: SnapshotEnvelope<T>;
    try {
      snapshot = parseSnapshot<T>((message as { snapshot?: unknown }).snapshot);
    } catch (error) {
      fail(toStateSyncError(error, 'protocol', 'invalid message from another tab'), {
        operation: 'receive',
      });
      return;
    }
    void receive(snapshot);
  };

  /** The snapshot a stored record holds, migrated; `undefined` (reported) if it cannot be. */
  const toSnapshot = async (record: PersistedRecord<T>) => {
    const { meta } = record;
    let data: T;
    try {
      data = (await migrate(record, schemaVersion, options.migrations)) as T;
    } catch (error) {
      fail(toStateSyncError(error, 'storage', 'migrating'), {
        operation: 'migrate',
        revision: meta.revision,
      });
      return undefined;
    }
    const snapshot: SnapshotEnvelope<T> = { revision: meta.revision, data };
    if (meta.epoch !== undefined) snapshot.epoch = meta.epoch;
    return snapshot;
  };

  /** A record another tab wrote: taken as a snapshot when there is no channel to hear it on. */
  const fromStorage = async (record: PersistedRecord<T>) => {
    const snapshot = await toSnapshot(record);
    if (snapshot) await receive(snapshot);
  };

  /**
   * Web Storage is not atomic across tabs: two tabs can both check, then both write, and the
   * older write may land last. The tab holding the newer state hears of it (the storage event)
   * and writes its state back, so storage never stays behind.
   */
  const repairIfBehind = (record: PersistedRecord<T>) =>
    serially(() => {
      if (disposed || !held || relate(record.meta, held) !== 'older') return;
      logger.debug('storage went behind, saving again', { revision: held.revision });
      scheduleSave();
    });

  if (crossTabSync) {
    const { transport, channelName } = crossTabSync;
    if (transport) channel = transport;
    else if (typeof globalThis.BroadcastChannel === 'function') {
      channel = createBroadcastChannelTransport(channelName, { logger });
    }
    if (channel && (receiveUpdates || broadcastSaves)) {
      stopListening = channel.subscribe(onMessage);
    } else if (!channel && !storage.watch) {
      logger.warn('crossTabSync: no BroadcastChannel and no storage event here', {
        channelName,
      });
    }
  }
  // No channel: the storage event is how this tab hears what the others saved.
  const storageIsTheChannel = crossTabSync !== undefined && !channel && receiveUpdates;
  const stopWatchingStorage =
    storage.watch && (storage.shared || storageIsTheChannel)
      ? storage.watch((record) => {
          if (storageIsTheChannel) void fromStorage(record);
          if (storage.shared) void repairIfBehind(record);
        })
      : undefined;

  // ---- hydration -------------------------------------------------------------------------

  const restore = async (): Promise<void> => {
    let record: PersistedRecord<T> | undefined;
    try {
      record = await storage.load();
    } catch (error) {
      fail(toStateSyncError(error, 'storage', 'loading'), { operation: 'load' });
      return;
    }
    if (!record) return;
    const { meta } = record;
    if (timers.now() - meta.savedAt > ttlMs) {
      emit({ type: 'expired', savedAt: meta.savedAt });
      try {
        await storage.clear();
      } catch (error) {
        fail(toStateSyncError(error, 'storage', 'removing expired data'), { operation: 'clear' });
      }
      return;
    }
    const snapshot = await toSnapshot(record);
    // Another tab (or the engine) may already have brought something newer.
    if (!snapshot || relate(snapshot, held) !== 'newer') return;
    try {
      await inner.apply(snapshot);
    } catch (error) {
      fail(toStateSyncError(error, 'apply_failed', 'applying stored data'), {
        operation: 'apply',
        revision: meta.revision,
      });
      return;
    }
    hold(snapshot);
    stats.hydrated = true;
    const migrated = meta.schemaVersion !== schemaVersion;
    emit({
      type: 'hydrated',
      ...stampOf(snapshot),
      ...(migrated && { migratedFrom: meta.schemaVersion }),
    });
    // Store the migrated shape, so the next start need not migrate again.
    if (migrated) scheduleSave();
  };

  const hydrate = () => {
    hydration ??= serially(async () => {
      if (!disposed) await restore();
      if (crossTabSync?.requestOnStart ?? true) send({ kind: KIND, type: 'request', from: self });
      return held && stampOf(held);
    });
    return hydration;
  };

  // ---- the applier the engine sees -------------------------------------------------------

  const result: PersistenceApplier<T> = {
    apply: (snapshot) =>
      serially(async () => {
        // Another tab already brought a newer revision of this epoch: keep it.
        if (relate(snapshot, held) === 'older') return;
        await inner.apply(snapshot);
        stats.applies++;
        hold(snapshot);
        // Other tabs first: they need not wait for storage.
        broadcast(snapshot);
        scheduleSave();
      }),

    hydrate,

    watchRevision(listener) {
      const own = (stamp: RevisionStamp) => listener(stamp);
      watchers.add(own);
      return () => watchers.delete(own);
    },

    getSnapshot: () => held,

    async flush() {
      throttle.flush();
      // Bounded: each pass saves the newest state, and only new applies add passes.
      for (let pass = 0; pass < 100 && (saving || dirty); pass++) {
        startSaving();
        await saving;
      }
    },

    async dispose({ flush = true } = {}) {
      if (disposed) return;
      if (flush) await result.flush();
      disposed = true;
      throttle.cancel();
      stopListening?.();
      stopWatchingStorage?.();
      stopListening = undefined;
      if (!crossTabSync?.transport) channel?.close();
      channel = undefined;
      watchers.clear();
      await saving;
    },

    async clear() {
      await serially(async () => {
        dirty = false;
        throttle.cancel();
        await saving;
        try {
          await storage.clear();
        } catch (error) {
          const typed = toStateSyncError(error, 'storage', 'clearing');
          fail(typed, { operation: 'clear' });
          throw typed;
        }
      });
    },

    subscribe(listener) {
      const own = (event: PersistenceEvent) => listener(event);
      listeners.add(own);
      return () => listeners.delete(own);
    },

    getStats: () => ({ ...stats }),
  };

  const { applyPatch: innerPatch } = inner;
  if (innerPatch) {
    result.applyPatch = (patch) =>
      serially(async () => {
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
        await innerPatch.call(inner, patch);
        stats.patches++;
        const snapshot: SnapshotEnvelope<T> = { revision: patch.revision, data };
        const epoch = patch.epoch ?? held.epoch;
        if (epoch !== undefined) snapshot.epoch = epoch;
        hold(snapshot);
        broadcast(snapshot);
        scheduleSave();
      });
  }

  return result;
}

function validate<T>(options: PersistenceApplierOptions<T>) {
  const invalid = (message: string) => new StateSyncError('invalid_option', message);
  const { storage, applier, schemaVersion, ttlMs, crossTabSync, migrations } = options;
  for (const method of ['load', 'save', 'clear'] as const) {
    if (typeof storage?.[method] !== 'function') {
      throw invalid(`storage must have load, save and clear methods (missing ${method})`);
    }
  }
  if (typeof applier?.apply !== 'function') throw invalid('applier must have an apply method');
  if (schemaVersion !== undefined && !(Number.isInteger(schemaVersion) && schemaVersion >= 0)) {
    throw invalid('schemaVersion must be a non-negative integer');
  }
  if (ttlMs !== undefined && !(ttlMs > 0)) throw invalid('ttlMs must be above 0');
  if (crossTabSync && (typeof crossTabSync.channelName !== 'string' || !crossTabSync.channelName)) {
    throw invalid('crossTabSync.channelName must be a non-empty string');
  }
  if (migrations !== undefined && (typeof migrations !== 'object' || migrations === null)) {
    throw invalid('migrations must be an object of functions keyed by schema version');
  }
}
