import {
  type Authority,
  createAuthority,
  type InvalidateMessage,
  type Logger,
  type PatchOp,
  PROTOCOL_VERSION,
  type Revision,
  StateSyncError,
  type SyncStatus,
} from '@statesync/core';
import { createObservable } from './observable.js';
import { runAction } from './run-action.js';
import type { AnyStoreDefinition, StoreHandle } from './types.js';

/** One store on the authority: its core authority, the batch of changes not yet sent. */
export interface ServerStore {
  readonly definition: AnyStoreDefinition;
  readonly topic: string;
  readonly authority: Authority<object>;
  /** The store as the authority's own code sees it. */
  readonly handle: StoreHandle;
  /** Runs an action now; the change is published with the next flush. */
  run(
    action: string,
    args: readonly unknown[],
  ): { value: unknown; revision: Revision; epoch: string };
  /**
   * Ends the current batch: one invalidation for every change since the last flush (base of the
   * first, revision of the last, the ops of all), or undefined when nothing changed. Listeners
   * of the handle hear the new state now.
   */
  flush(): InvalidateMessage | undefined;
}

interface Batch {
  base: Revision | undefined;
  ops: PatchOp[];
  /** An event without ops (a `publish` announcing the store): the batch then has no delta. */
  whole: boolean;
  revision: Revision;
  epoch: string;
}

/** Topic of a store: `<app>/<store>`. */
export const topicOf = (app: string, store: string) => `${app}/${store}`;

export function createServerStore(
  definition: AnyStoreDefinition,
  app: string,
  logger: Logger,
  onChange: () => void,
): ServerStore {
  const data = definition.state();
  if (typeof data !== 'object' || data === null) {
    throw new StateSyncError(
      'invalid_option',
      `store "${definition.name}": state() must return an object or an array`,
    );
  }
  const topic = topicOf(app, definition.name);
  const authority = createAuthority<object>({ topic, data, logger });
  let batch: Batch | undefined;

  authority.subscribe((event) => {
    if (!batch) {
      batch = {
        base: event.delta?.base,
        ops: [],
        whole: false,
        revision: event.revision,
        epoch: event.epoch ?? authority.getEpoch(),
      };
    }
    if (event.delta) {
      for (const op of event.delta.ops) batch.ops.push(op);
    } else {
      batch.whole = true;
    }
    batch.revision = event.revision;
    batch.epoch = event.epoch ?? authority.getEpoch();
    onChange();
  });

  const status = (): SyncStatus => ({
    state: 'synced',
    localRevision: authority.getRevision(),
    epoch: authority.getEpoch(),
    lastError: undefined,
    lastAppliedAt: undefined,
  });
  const state = createObservable<object>(data, logger);
  const syncStatus = createObservable<SyncStatus>(status(), logger);

  return {
    definition,
    topic,
    authority,
    handle: {
      name: definition.name,
      definition,
      // Always the latest state, so the authority's own code reads its writes at once; the
      // listeners hear of them once per batch.
      getState: () => authority.getData(),
      subscribe: state.subscribe,
      status: { getState: syncStatus.getState, subscribe: syncStatus.subscribe },
    },
    run(action, args) {
      const outcome = runAction(definition, authority.getData(), action, args);
      if (outcome.ops.length > 0) authority.set(outcome.state, { ops: outcome.ops });
      return {
        value: outcome.value,
        revision: authority.getRevision(),
        epoch: authority.getEpoch(),
      };
    },
    flush() {
      const done = batch;
      if (!done) return undefined;
      batch = undefined;
      state.set(authority.getData());
      syncStatus.set(status());
      const message: InvalidateMessage = {
        v: PROTOCOL_VERSION,
        type: 'invalidate',
        topic,
        revision: done.revision,
        epoch: done.epoch,
      };
      if (!done.whole && done.base !== undefined)
        message.delta = { base: done.base, ops: done.ops };
      return message;
    },
  };
}
