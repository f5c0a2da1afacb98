import { deserializeError } from './errors.js';
import { createPendingRequests } from './pending-requests.js';
import {
  PROTOCOL_VERSION,
  type PullErrorMessage,
  type PullMessage,
  type SnapshotMessage,
} from './protocol.js';
import { randomId } from './random.js';
import type { SnapshotEnvelope, SnapshotRequest } from './types.js';

export interface PullClientOptions {
  /** The id of the next pull. @default randomId */
  nextId?(): string;
  /** Told when the last pull in flight has settled: stop listening for answers. */
  onIdle?(): void;
}

/** Snapshot pulls over a link, matched to their `snapshot` or `pull-error` answers by id. */
export interface PullClient<T = unknown> {
  getSnapshot(request: SnapshotRequest): Promise<SnapshotEnvelope<T>>;
  /** Takes an answer; one nobody waits for (any more) is ignored. */
  answer(message: SnapshotMessage | PullErrorMessage): void;
  /** Rejects every pull in flight with `error`. */
  cancelAll(error: unknown): void;
}

/**
 * The client side of the pull: sends `pull` with `send` (which may throw: that pull fails with
 * it) and settles each pull once, on its answer, its abort or `cancelAll`.
 */
export function createPullClient<T = unknown>(
  send: (message: PullMessage) => void,
  options: PullClientOptions = {},
): PullClient<T> {
  const nextId = options.nextId ?? randomId;
  const pulls = createPendingRequests<SnapshotEnvelope<T>>({
    onLeave: () => {
      if (pulls.size() === 0) options.onIdle?.();
    },
  });
  return {
    getSnapshot({ topic, signal }) {
      if (signal.aborted) return Promise.reject(signal.reason);
      const id = nextId();
      const answered = pulls.add(id, undefined, { signal });
      try {
        send({ v: PROTOCOL_VERSION, type: 'pull', id, topic });
      } catch (error) {
        pulls.reject(id, error);
      }
      return answered;
    },
    answer(message) {
      if (message.type === 'pull-error') {
        pulls.reject(message.id, deserializeError(message.error));
        return;
      }
      // Handed on unchecked: the engine validates every snapshot.
      const { revision, epoch, data } = message;
      pulls.resolve(
        message.id,
        (epoch === undefined
          ? { revision, data }
          : { revision, epoch, data }) as SnapshotEnvelope<T>,
      );
    },
    cancelAll: (error) => pulls.rejectAll(error),
  };
}
