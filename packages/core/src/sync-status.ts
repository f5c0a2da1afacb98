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
 * Listeners hear of a transition only when a field changed. Every update is a new object, so a
 * listener may keep the one it got; but status moves several times per fetch, usually with
 * nobody listening, so with no listener the object is made only when `getState()` asks.
 */
export function createSyncStatus(
  local: { revision: Revision; epoch: Epoch | undefined } | undefined,
  logger: Logger,
): SyncStatusStore {
  let state: SyncState = 'idle';
  let localRevision = local?.revision;
  let epoch = local?.epoch;
  let lastError: StateSyncError | undefined;
  let lastAppliedAt: number | undefined;
  let stale = false;
  const make = (): SyncStatus => ({ state, localRevision, epoch, lastError, lastAppliedAt });
  const store = createObservable<SyncStatus>(make(), (error) =>
    logger.error('status listener threw', { error }),
  );
  const flush = () => {
    if (!stale) return;
    stale = false;
    store.set(make());
  };
  const changed = () => {
    stale = true;
    if (store.listenerCount() > 0) flush();
  };
  const setState = (next: SyncState) => {
    if (next === state) return;
    state = next;
    changed();
  };

  return {
    status: {
      getState() {
        flush();
        return store.getState();
      },
      subscribe(listener) {
        flush();
        return store.subscribe(listener);
      },
    },
    syncing: () => setState('syncing'),
    settled(error) {
      const next = error ? 'error' : 'synced';
      if (next === state && error === lastError) return;
      state = next;
      lastError = error;
      changed();
    },
    applied(revision, nextEpoch, at, synced) {
      const next = synced ? 'synced' : state;
      if (
        revision === localRevision &&
        nextEpoch === epoch &&
        at === lastAppliedAt &&
        next === state
      ) {
        return;
      }
      state = next;
      localRevision = revision;
      epoch = nextEpoch;
      lastAppliedAt = at;
      changed();
    },
    idle: () => setState('idle'),
  };
}
