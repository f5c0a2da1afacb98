import type { Logger, SyncStatus, Unsubscribe } from '@statesync/core';
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
  let offStatus: Unsubscribe | undefined;
  let started: Promise<void> = Promise.resolve();

  return {
    handle: {
      name: definition.name,
      definition,
      getState: mirror.getState,
      subscribe: mirror.subscribe,
      status: { getState: status.getState, subscribe: status.subscribe },
    },
    attach(client) {
      offStatus?.();
      const link = client.addStore(definition, mirror);
      // Until the new link applies something, the mirror still shows what the last one did.
      const show = (next: SyncStatus) => {
        const revision = mirror.ledger.revision();
        status.set(
          next.localRevision !== undefined || revision === undefined
            ? next
            : { ...next, localRevision: revision, epoch: mirror.ledger.epoch() },
        );
      };
      show(link.engine.status.getState());
      offStatus = link.engine.status.subscribe(show);
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
      offStatus?.();
      offStatus = undefined;
    },
  };
}
