import {
  type Authority,
  createAuthority,
  type InvalidateMessage,
  isStateSyncError,
  type Logger,
  type PatchOp,
  PROTOCOL_VERSION,
  type Revision,
  StateSyncError,
  type SyncStatus,
  type Unsubscribe,
} from '@statesync/core';
import { type CallLedger, createCallLedger } from '../store/ledger.js';
import { createObservable } from '../store/observable.js';
import type { StoreRecord } from '../store/store-record.js';
import type { AnyStoreDefinition, StoreHandle } from '../types.js';
import { isJsonPlain } from '../wire/json-text.js';
import { topicOf } from '../wire/names.js';
import type { LedgerEntry, LiveRecord } from '../wire/protocol.js';
import { toWireError } from '../wire/wire-error.js';
import { type CarryCheck, runAction } from './run-action.js';

/** A call a store ran: what the debug log, a DevTools panel and the patch check are told. */
export interface AppliedCall {
  store: string;
  action: string;
  args: readonly unknown[];
  /** The patches it made (none when it changed nothing). */
  ops: readonly PatchOp[];
  /** The store's revision after it. */
  revision: Revision;
  /** The client that called; undefined for the authority's own code. */
  clientId: string | undefined;
  durationMs: number;
  before: object;
  after: object;
}

const now = () => globalThis.performance?.now() ?? Date.now();

/** One store on the authority: its core authority, the batch of changes not yet sent. */
export interface ServerStore {
  readonly definition: AnyStoreDefinition;
  readonly topic: string;
  readonly authority: Authority<object>;
  /** The store as the authority's own code sees it. */
  /** The handle without its bound actions, which the app adds (`app/store-handle.ts`). */
  readonly handle: Omit<StoreHandle, 'actions'>;
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
    clientId?: string,
  ): { value: unknown; revision: Revision; epoch: string };
  /** Hears every call this store ran, once it is applied. */
  observe(listener: (call: AppliedCall) => void): Unsubscribe;
  /**
   * Shows `data` to every client instead of the live state (DevTools time travel); undefined
   * shows the live state again, and so does the next call, which runs on the live state.
   */
  travel(data: object | undefined): void;
  /** Whether the state shown is a travelled one. */
  readonly travelling: boolean;
  /** Whether JSON carries the current state exactly (see `isJsonPlain`), so a snapshot may. */
  isJsonPlain(): boolean;
  /** The live state, whether or not a travelled one is shown. */
  readonly live: object;
  /** The live state and its revision while a travelled one is shown; undefined otherwise. */
  readonly aside: LiveRecord | undefined;
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
  /** What the links can carry, checked on every change and result. @default structured clone */
  carry?: CarryCheck,
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
  /** The last state found plain or not: checked whole once, then kept by each change's values. */
  let checked: { state: object; plain: boolean } | undefined;

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
  const observers = new Set<(call: AppliedCall) => void>();
  /** The live state and its revision while a travelled one is shown. */
  let live: LiveRecord | undefined;
  const travel = (shown: object | undefined) => {
    if (shown === undefined) {
      if (live === undefined) return;
      shown = live.data;
      live = undefined;
    } else {
      live ??= { revision: authority.getRevision(), data: authority.getData() };
    }
    authority.set(shown);
  };
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
    get travelling() {
      return live !== undefined;
    },
    get live() {
      return live?.data ?? authority.getData();
    },
    get aside() {
      return live;
    },
    travel,
    isJsonPlain() {
      const data = authority.getData();
      if (checked?.state !== data) checked = { state: data, plain: isJsonPlain(data) };
      return checked.plain;
    },
    observe(listener) {
      observers.add(listener);
      return () => {
        observers.delete(listener);
      };
    },
    run(action, args, callId, clientId) {
      const known = callId === undefined ? undefined : ledger.get(callId);
      if (known) return { value: known[2], revision: known[1], epoch: authority.getEpoch() };
      travel(undefined);
      const before = authority.getData();
      const started = now();
      let outcome: ReturnType<typeof runAction<object>>;
      try {
        outcome = runAction(definition, before, action, args, carry);
      } catch (error) {
        logger.debug('action failed', { store: definition.name, action, clientId, error });
        throw failedCall(error, definition.name, action);
      }
      const durationMs = now() - started;
      if (outcome.ops.length > 0) {
        authority.set(outcome.state, { ops: outcome.ops });
        // Plain state with plain values written stays plain, without a walk of the whole.
        if (checked?.state === before && checked.plain && outcome.plain) {
          checked = { state: outcome.state, plain: true };
        }
        if (callId !== undefined) {
          const entry: LedgerEntry = [callId, authority.getRevision(), outcome.value];
          ledger.record(entry);
          batch?.calls.push(entry);
        }
      }
      const call: AppliedCall = {
        store: definition.name,
        action,
        args,
        ops: outcome.ops,
        revision: authority.getRevision(),
        clientId,
        durationMs,
        before,
        after: outcome.state,
      };
      logger.debug('action applied', {
        store: call.store,
        action,
        // Measured only when the line is printed: a logger that drops debug lines never reads it.
        get argsBytes() {
          return jsonLength(args);
        },
        patches: outcome.ops.length,
        revision: call.revision,
        clientId,
        ms: Math.round(durationMs * 100) / 100,
      });
      for (const observer of [...observers]) {
        try {
          observer(call);
        } catch (error) {
          logger.error('an observer of calls threw', { error });
        }
      }
      return { value: outcome.value, revision: call.revision, epoch: authority.getEpoch() };
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

/** What a failed call rejects with: what the action threw, naming the store and the action. */
function failedCall(error: unknown, store: string, action: string): StateSyncError {
  if (isStateSyncError(error)) {
    return new StateSyncError(error.code, error.message, {
      cause: error,
      ...(error.remoteName !== undefined && { remoteName: error.remoteName }),
      ...(error.reason !== undefined && { reason: error.reason }),
      store,
      action,
    });
  }
  // Read safely: an error whose `message` getter throws still gets its answer.
  const thrown = toWireError(error);
  return new StateSyncError('remote', thrown.message, {
    cause: error,
    remoteName: thrown.name,
    store,
    action,
  });
}

function jsonLength(value: unknown): number | undefined {
  try {
    return JSON.stringify(value)?.length;
  } catch {
    return undefined;
  }
}
