import type { StateSyncError } from './errors.js';
import { createObservable } from './subscribable.js';
import type { Epoch, Logger, Revision, Subscribable, SyncState, SyncStatus } from './types.js';

/** The engine's `status` plus the few transitions the engine makes. */
export interface SyncStatusStore {
  readonly status: Subscribable<SyncStatus>;
  /** Subscribing, or a fetch is running. */
  syncing(): void;
  /** A fetch ended: `synced` without an error (clearing `lastError`), else `error`. */
  settled(error: StateSyncError | undefined): void;
  /** Local state moved to (revision, epoch) at `at`; `synced` too when nothing else is running. */
  applied(revision: Revision, epoch: Epoch | undefined, at: number, synced: boolean): void;
  idle(): void;
}

/**
 * Each transition compares only the fields it sets, and listeners hear of it only when one of
 * them changed: an update may repeat the other values, never all of them. Every update is a new
 * object, so a listener may keep the one it got.
 */
export function createSyncStatus(
  local: { revision: Revision; epoch: Epoch | undefined } | undefined,
  logger: Logger,
): SyncStatusStore {
  const store = createObservable<SyncStatus>(
    {
      state: 'idle',
      localRevision: local?.revision,
      epoch: local?.epoch,
      lastError: undefined,
      lastAppliedAt: undefined,
    },
    (error) => logger.error('status listener threw', { error }),
  );
  // Fields listed in full rather than spread: status moves several times per fetch.
  const setState = (state: SyncState, current: SyncStatus) => {
    if (state === current.state) return;
    store.set({
      state,
      localRevision: current.localRevision,
      epoch: current.epoch,
      lastError: current.lastError,
      lastAppliedAt: current.lastAppliedAt,
    });
  };

  return {
    status: store,
    syncing: () => setState('syncing', store.getState()),
    settled(error) {
      const current = store.getState();
      const state = error ? 'error' : 'synced';
      if (state === current.state && error === current.lastError) return;
      store.set({
        state,
        localRevision: current.localRevision,
        epoch: current.epoch,
        lastError: error,
        lastAppliedAt: current.lastAppliedAt,
      });
    },
    applied(revision, epoch, at, synced) {
      const current = store.getState();
      const state = synced ? 'synced' : current.state;
      if (
        revision === current.localRevision &&
        epoch === current.epoch &&
        at === current.lastAppliedAt &&
        state === current.state
      ) {
        return;
      }
      store.set({
        state,
        localRevision: revision,
        epoch,
        lastError: current.lastError,
        lastAppliedAt: at,
      });
    },
    idle: () => setState('idle', store.getState()),
  };
}
