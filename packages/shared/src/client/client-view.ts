import type { Logger, Subscribable, SyncStatus, Unsubscribe } from '@statesync/core';
import { createObservable } from '../store/observable.js';
import type { StoreRecord } from '../store/store-record.js';
import type { AnyStoreDefinition, StoreHandle } from '../types.js';
import type { SharedClient } from './client.js';
import { createMirror } from './mirror.js';

/**
 * A store as a client app shows it. The mirror and the handle outlive the link they are synced
 * over: when the app moves to another authority (a fallback to Local), the same handle goes on,
 * and whatever subscribed to it keeps listening.
 */
export interface ClientView {
  /** The handle without its bound actions, which the app adds (`app/store-handle.ts`). */
  readonly handle: Omit<StoreHandle, 'actions'>;
  /** Syncs the mirror over `client` from now on. */
  attach(client: SharedClient): void;
  /** The mirror, its revision and its ledger; undefined before its first sync. */
  copy(): StoreRecord | undefined;
  /** Settles with the first sync over the client attached last. */
  started(): Promise<void>;
  detach(): void;
}

const IDLE: SyncStatus = {
  state: 'idle',
  localRevision: undefined,
  epoch: undefined,
  lastError: undefined,
  lastAppliedAt: undefined,
};

export function createClientView(
  definition: AnyStoreDefinition,
  logger: Logger,
  freeze = false,
): ClientView {
  const mirror = createMirror<object>(definition.state(), logger, freeze);
  const status = createObservable<SyncStatus>(IDLE, logger);
  /** The status of the engine syncing the mirror now; undefined while detached. */
  let engineStatus: Subscribable<SyncStatus> | undefined;
  /** Set while the view's status has listeners: it then follows the engine's as it moves. */
  let offStatus: Unsubscribe | undefined;
  let started: Promise<void> = Promise.resolve();

  /** What the status shown was made from. */
  let shownFrom:
    | { next: SyncStatus; revision: string | undefined; epoch: string | undefined }
    | undefined;
  // Until the new link applies something, the mirror still shows what the last one did.
  const show = (next: SyncStatus) => {
    const revision = mirror.ledger.revision();
    const epoch = mirror.ledger.epoch();
    // Asked again with nothing moved, the same object: a snapshot readers may compare by identity.
    if (shownFrom?.next === next && shownFrom.revision === revision && shownFrom.epoch === epoch) {
      return;
    }
    shownFrom = { next, revision, epoch };
    status.set(
      next.localRevision !== undefined || revision === undefined
        ? next
        : { ...next, localRevision: revision, epoch },
    );
  };
  // The engine's status moves with every change applied; made into an object and passed on only
  // when someone looks at it or listens, not on every change nobody watches.
  const follow = () => {
    if (offStatus || !engineStatus) return;
    show(engineStatus.getState());
    offStatus = engineStatus.subscribe(show);
  };
  const unfollow = () => {
    offStatus?.();
    offStatus = undefined;
  };

  return {
    handle: {
      name: definition.name,
      definition,
      getState: mirror.getState,
      subscribe: mirror.subscribe,
      status: {
        getState() {
          if (engineStatus && !offStatus) show(engineStatus.getState());
          return status.getState();
        },
        subscribe(listener) {
          // Caught up before the listener is added: it hears changes, not the catching up.
          follow();
          const off = status.subscribe(listener);
          return () => {
            off();
            if (status.listenerCount() === 0) unfollow();
          };
        },
      },
    },
    attach(client) {
      unfollow();
      const link = client.addStore(definition, mirror);
      engineStatus = link.engine.status;
      show(engineStatus.getState());
      if (status.listenerCount() > 0) follow();
      started = link.started;
    },
    started: () => started,
    copy() {
      const revision = mirror.ledger.revision();
      if (revision === undefined) return undefined;
      const calls = mirror.ledger.entries();
      // A state DevTools travelled to is shown here but is not the truth: hand over the live one.
      const live = mirror.ledger.live();
      // Nor a guess of an optimistic call: that call is sent again, and would count twice.
      return live ? { ...live, calls } : { revision, data: mirror.confirmed(), calls };
    },
    detach() {
      // What the view shows from now on until the next link: the engine's last word.
      if (engineStatus && !offStatus) show(engineStatus.getState());
      unfollow();
      engineStatus = undefined;
    },
  };
}
