import {
  compareRevisions,
  createPendingRequests,
  deserializeError,
  type InvalidationEvent,
  type ResultMessage,
  type RevisionSyncHandle,
  StateSyncError,
  type Timers,
  type Unsubscribe,
} from '@statesync/core';

/** The client's copy of one store, as calls need it. */
export interface CallTarget {
  readonly name: string;
  readonly topic: string;
  /** The revision engine writing the store's mirror. */
  readonly engine: RevisionSyncHandle;
  /** Hands an announcement to the engine, as if it came over the link. */
  announce(event: InvalidationEvent): void;
}

/** A call in flight handed from one link to the next, to be sent again with the same id. */
export interface HandedCall {
  id: string;
  store: string;
  action: string;
  args: readonly unknown[];
  resolve(value: unknown): void;
  reject(error: StateSyncError): void;
}

/** What the tracker keeps with a call in flight. */
interface PendingCall {
  action: string;
  args: readonly unknown[];
  target: CallTarget;
  /** The authority answered; the call waits for the mirror to catch up. */
  answered: boolean;
  stopWaiting?: Unsubscribe;
}

/** Calls in flight: each settles once, with its result, its error, a timeout or a stop. */
export interface CallTracker {
  /** Starts tracking call `id`; the returned promise settles at most `timeoutMs` later. */
  track(id: string, target: CallTarget, action: string, args: readonly unknown[]): Promise<unknown>;
  /** Tracks a call handed over from another link; settles through the original promise. */
  adopt(call: HandedCall, target: CallTarget): void;
  /** Stops tracking every call in flight and hands them over, answered or not. */
  handOver(): HandedCall[];
  /** Takes the authority's answer. */
  answer(message: ResultMessage): void;
  /** Settles call `id` with an error (e.g. it could not be sent). */
  fail(id: string, error: StateSyncError): void;
  /** Rejects every call in flight with `error`. */
  cancelAll(error: StateSyncError): void;
}

export function createCallTracker(timers: Timers, timeoutMs: number): CallTracker {
  const calls = createPendingRequests<unknown, PendingCall>({
    timers,
    onTimeout(_id, call) {
      const why = call.answered
        ? `the authority answered, but this copy of "${call.target.name}" did not catch up`
        : 'no answer from the authority';
      const label = `${call.target.name}.${call.action}`;
      return {
        error: new StateSyncError('timeout', `${label} timed out after ${timeoutMs} ms: ${why}`),
      };
    },
    onLeave: (_id, call) => call.stopWaiting?.(),
  });
  const start = (id: string, target: CallTarget, action: string, args: readonly unknown[]) =>
    calls.add(id, { target, action, args, answered: false }, { timeoutMs });

  return {
    track: start,
    adopt(call, target) {
      start(call.id, target, call.action, call.args).then(call.resolve, call.reject);
    },
    handOver() {
      return calls.ids().map((id) => {
        const { data, resolve, reject } = calls.take(id)!;
        return {
          id,
          store: data.target.name,
          action: data.action,
          args: data.args,
          resolve,
          reject,
        };
      });
    },
    answer(message) {
      const call = calls.get(message.id);
      if (!call || call.answered) return; // late, after a timeout: nobody waits any more
      call.answered = true;
      if (message.error !== undefined) {
        // A failed action changed nothing, so there is no revision to wait for.
        calls.reject(message.id, deserializeError(message.error));
        return;
      }
      const { revision, epoch } = message;
      const { engine } = call.target;
      const reached = () => {
        const status = engine.status.getState();
        return (
          status.epoch === epoch &&
          status.localRevision !== undefined &&
          compareRevisions(status.localRevision, revision) >= 0
        );
      };
      const done = () => calls.resolve(message.id, message.value);
      if (reached()) {
        done();
        return;
      }
      // Read your writes: resolve once the mirror shows the change. The answer doubles as an
      // announcement, so a lost invalidation cannot leave the call waiting.
      call.stopWaiting = engine.status.subscribe(() => {
        if (reached()) done();
      });
      call.target.announce({ topic: call.target.topic, revision, epoch });
    },
    fail(id, error) {
      calls.reject(id, error);
    },
    cancelAll: (error) => calls.rejectAll(error),
  };
}
