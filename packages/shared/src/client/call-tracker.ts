import {
  compareRevisions,
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

interface PendingCall {
  label: string;
  action: string;
  args: readonly unknown[];
  target: CallTarget;
  resolve(value: unknown): void;
  reject(error: StateSyncError): void;
  timer: unknown;
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
  const calls = new Map<string, PendingCall>();

  const settle = (id: string) => {
    const call = calls.get(id);
    if (!call) return undefined;
    calls.delete(id);
    timers.clearTimeout(call.timer);
    call.stopWaiting?.();
    return call;
  };

  const start = (
    id: string,
    target: CallTarget,
    action: string,
    args: readonly unknown[],
    resolve: (value: unknown) => void,
    reject: (error: StateSyncError) => void,
  ) => {
    const label = `${target.name}.${action}`;
    const call: PendingCall = {
      label,
      action,
      args,
      target,
      resolve,
      reject,
      timer: undefined,
      answered: false,
    };
    call.timer = timers.setTimeout(() => {
      settle(id);
      const why = call.answered
        ? `the authority answered, but this copy of "${target.name}" did not catch up`
        : 'no answer from the authority';
      reject(new StateSyncError('timeout', `${label} timed out after ${timeoutMs} ms: ${why}`));
    }, timeoutMs);
    calls.set(id, call);
  };

  return {
    track(id, target, action, args) {
      return new Promise((resolve, reject) => start(id, target, action, args, resolve, reject));
    },
    adopt(call, target) {
      start(call.id, target, call.action, call.args, call.resolve, call.reject);
    },
    handOver() {
      return [...calls.keys()].map((id) => {
        const call = settle(id)!;
        const { action, args, resolve, reject } = call;
        return { id, store: call.target.name, action, args, resolve, reject };
      });
    },
    answer(message) {
      const call = calls.get(message.id);
      if (!call || call.answered) return; // late, after a timeout: nobody waits any more
      call.answered = true;
      if (message.error !== undefined) {
        // A failed action changed nothing, so there is no revision to wait for.
        settle(message.id)?.reject(deserializeError(message.error));
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
      const done = () => settle(message.id)?.resolve(message.value);
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
      settle(id)?.reject(error);
    },
    cancelAll(error) {
      for (const id of [...calls.keys()]) settle(id)?.reject(error);
    },
  };
}
