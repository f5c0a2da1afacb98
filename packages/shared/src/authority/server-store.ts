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
import { type CallLedger, createCallLedger } from '../store/ledger.js';
import { createObservable } from '../store/observable.js';
import type { StoreRecord } from '../store/store-record.js';
import type { AnyStoreDefinition, StoreHandle } from '../types.js';
import { topicOf } from '../wire/names.js';
import type { LedgerEntry } from '../wire/protocol.js';
import { runAction } from './run-action.js';

/** One store on the authority: its core authority, the batch of changes not yet sent. */
export interface ServerStore {
  readonly definition: AnyStoreDefinition;
  readonly topic: string;
  readonly authority: Authority<object>;
  /** The store as the authority's own code sees it. */
  readonly handle: StoreHandle;
  /** The calls that changed this store lately, newest last. */
  readonly ledger: CallLedger;
  /**
   * Runs an action now; the change is published with the next flush. A call whose id is in the
   * ledger already changed the store: it is answered from there and not run again.
   */
  run(
    action: string,
    args: readonly unknown[],
    callId?: string,
  ): { value: unknown; revision: Revision; epoch: string };
  /**
   * Ends the current batch: one invalidation for every change since the last flush (base of the
   * first, revision of the last, the ops of all) and the calls that made it, or undefined when
   * nothing changed. Listeners of the handle hear the new state now.
   */
  flush(): { message: InvalidateMessage; calls: LedgerEntry[] } | undefined;
}

interface Batch {
  base: Revision | undefined;
  ops: PatchOp[];
  /** An event without ops (a `publish` announcing the store): the batch then has no delta. */
  whole: boolean;
  revision: Revision;
  epoch: string;
  calls: LedgerEntry[];
}

export function createServerStore(
  definition: AnyStoreDefinition,
  app: string,
  logger: Logger,
  onChange: () => void,
  start?: StoreRecord,
  epoch?: string,
): ServerStore {
  const data = start?.data ?? definition.state();
  if (typeof data !== 'object' || data === null) {
    throw new StateSyncError(
      'invalid_option',
      `store "${definition.name}": state() must return an object or an array`,
    );
  }
  const topic = topicOf(app, definition.name);
  const authority = createAuthority<object>({
    topic,
    data,
    logger,
    ...(start && { revision: start.revision }),
    ...(epoch !== undefined && { epoch }),
  });
  const ledger = createCallLedger(start?.calls);
  let batch: Batch | undefined;

  authority.subscribe((event) => {
    if (!batch) {
      batch = {
        base: event.delta?.base,
        ops: [],
        calls: [],
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
    ledger,
    handle: {
      name: definition.name,
      definition,
      // Always the latest state, so the authority's own code reads its writes at once; the
      // listeners hear of them once per batch.
      getState: () => authority.getData(),
      subscribe: state.subscribe,
      status: { getState: syncStatus.getState, subscribe: syncStatus.subscribe },
    },
    run(action, args, callId) {
      const known = callId === undefined ? undefined : ledger.get(callId);
      if (known) return { value: known[2], revision: known[1], epoch: authority.getEpoch() };
      const outcome = runAction(definition, authority.getData(), action, args);
      if (outcome.ops.length > 0) {
        authority.set(outcome.state, { ops: outcome.ops });
        if (callId !== undefined) {
          const entry: LedgerEntry = [callId, authority.getRevision(), outcome.value];
          ledger.record(entry);
          batch?.calls.push(entry);
        }
      }
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
      return { message, calls: done.calls };
    },
  };
}
