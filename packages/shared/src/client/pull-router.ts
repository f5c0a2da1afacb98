import {
  deserializeError,
  PROTOCOL_VERSION,
  type PullErrorMessage,
  type SnapshotEnvelope,
  type SnapshotMessage,
  type SnapshotRequest,
  type StateSyncError,
} from '@statesync/core';
import type { WireMessage } from '../wire/protocol.js';

interface PendingPull {
  resolve(snapshot: SnapshotEnvelope<unknown>): void;
  reject(error: unknown): void;
}

/** Snapshot pulls over a client's link, matched to their answers by id. */
export interface PullRouter {
  getSnapshot(request: SnapshotRequest): Promise<SnapshotEnvelope<unknown>>;
  /** Takes a `snapshot` or `pull-error` message. */
  answer(message: SnapshotMessage | PullErrorMessage): void;
  /** Rejects every pull in flight with `error`. */
  cancelAll(error: StateSyncError): void;
}

export function createPullRouter(send: (message: WireMessage) => void, prefix: string): PullRouter {
  const pending = new Map<string, PendingPull>();
  let counter = 0;

  return {
    getSnapshot({ topic, signal }) {
      return new Promise((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        const id = `${prefix}-p${++counter}`;
        const onAbort = () => {
          pending.delete(id);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const settle = () => {
          pending.delete(id);
          signal.removeEventListener('abort', onAbort);
        };
        pending.set(id, {
          resolve: (snapshot) => {
            settle();
            resolve(snapshot);
          },
          reject: (error) => {
            settle();
            reject(error);
          },
        });
        try {
          send({ v: PROTOCOL_VERSION, type: 'pull', id, topic });
        } catch (error) {
          pending.get(id)?.reject(error);
        }
      });
    },
    answer(message) {
      const pull = pending.get(message.id);
      if (!pull) return; // answered after a timeout or a stop: nobody waits any more
      if (message.type === 'pull-error') {
        pull.reject(deserializeError(message.error));
        return;
      }
      // Handed on unchecked: the engine validates every snapshot.
      const { revision, epoch, data } = message;
      pull.resolve(epoch === undefined ? { revision, data } : { revision, epoch, data });
    },
    cancelAll(error) {
      for (const pull of [...pending.values()]) pull.reject(error);
    },
  };
}
