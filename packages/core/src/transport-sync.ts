import { deserializeError, serializeError } from './errors.js';
import { type Authority } from './authority.js';
import { isProtocolMessage, PROTOCOL_VERSION, type Message } from './protocol.js';
import { randomId } from './random.js';
import type {
  InvalidationSubscriber,
  SnapshotEnvelope,
  SnapshotProvider,
  Topic,
  Transport,
  Unsubscribe,
} from './types.js';

/** Invalidation events arriving over a transport. Malformed ones reach the engine's validation. */
export function createTransportSubscriber(transport: Transport): InvalidationSubscriber {
  return {
    subscribe(handler) {
      return transport.subscribe((message) => {
        if (!isProtocolMessage(message) || message.type !== 'invalidate') return;
        const { v: _v, type: _type, ...event } = message as Message & { type: 'invalidate' };
        handler(event);
      });
    },
  };
}

/**
 * Pulls snapshots over a transport: sends `pull`, waits for the matching `snapshot`. Listens
 * only while a pull is pending.
 */
export function createTransportProvider<T>(transport: Transport, topic: Topic): SnapshotProvider<T> {
  const pending = new Map<string, (message: Message) => void>();
  let off: Unsubscribe | undefined;

  const release = (id: string) => {
    pending.delete(id);
    if (pending.size === 0 && off) {
      off();
      off = undefined;
    }
  };

  return {
    getSnapshot({ signal }) {
      return new Promise<SnapshotEnvelope<T>>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        const id = randomId();
        const onAbort = () => {
          release(id);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        pending.set(id, (message) => {
          signal.removeEventListener('abort', onAbort);
          release(id);
          if (message.type === 'pull-error') reject(deserializeError(message.error));
          else if (message.type === 'snapshot') {
            const { revision, epoch, data } = message;
            resolve((epoch === undefined ? { revision, data } : { revision, epoch, data }) as SnapshotEnvelope<T>);
          }
        });
        off ??= transport.subscribe((message) => {
          if (!isProtocolMessage(message)) return;
          const id = (message as { id?: unknown }).id;
          if (typeof id === 'string') pending.get(id)?.(message as Message);
        });
        try {
          transport.send({ v: PROTOCOL_VERSION, type: 'pull', id, topic } satisfies Message);
        } catch (error) {
          signal.removeEventListener('abort', onAbort);
          release(id);
          reject(error);
        }
      });
    },
  };
}

/** Publishes an authority's invalidations on a transport and answers its pulls. Returns stop. */
export function serveAuthority<T>(authority: Authority<T>, transport: Transport): Unsubscribe {
  const send = (message: Message) => {
    try {
      transport.send(message);
    } catch {
      // The answer cannot reach anyone (closed or not cloneable); pulls time out and retry.
    }
  };
  const offEvents = authority.subscribe((event) => send({ v: PROTOCOL_VERSION, type: 'invalidate', ...event }));
  const offPulls = transport.subscribe((message) => {
    if (!isProtocolMessage(message) || message.type !== 'pull') return;
    const pull = message as Message & { type: 'pull' };
    if (pull.topic !== authority.topic) return;
    try {
      const snapshot = authority.getSnapshot();
      transport.send({ v: PROTOCOL_VERSION, type: 'snapshot', id: pull.id, topic: pull.topic, ...snapshot });
    } catch (error) {
      const wire = serializeError(error);
      send({ v: PROTOCOL_VERSION, type: 'pull-error', id: pull.id, topic: pull.topic, error: wire });
    }
  });
  return () => {
    offEvents();
    offPulls();
  };
}
