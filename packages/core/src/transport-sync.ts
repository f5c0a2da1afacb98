import type { Authority } from './authority.js';
import { serializeError } from './errors.js';
import { noopLogger } from './logger.js';
import {
  isProtocolMessage,
  type Message,
  PROTOCOL_VERSION,
  type PullErrorMessage,
  type SnapshotMessage,
} from './protocol.js';
import { createPullClient, type PullClient } from './pull-client.js';
import type {
  InvalidationSubscriber,
  Logger,
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
 * Pulls snapshots over a transport: sends `pull`, waits for the matching `snapshot` or
 * `pull-error`. Listens only while a pull is pending.
 */
export function createTransportProvider<T>(
  transport: Transport,
  topic: Topic,
): SnapshotProvider<T> {
  let off: Unsubscribe | undefined;
  const pulls: PullClient<T> = createPullClient<T>(
    (message) => {
      off ??= transport.subscribe((answer) => {
        if (!isProtocolMessage(answer)) return;
        if (answer.type !== 'snapshot' && answer.type !== 'pull-error') return;
        if (typeof (answer as { id?: unknown }).id !== 'string') return;
        pulls.answer(answer as SnapshotMessage | PullErrorMessage);
      });
      transport.send(message);
    },
    {
      onIdle() {
        off?.();
        off = undefined;
      },
    },
  );
  return { getSnapshot: ({ signal }) => pulls.getSnapshot({ topic, signal }) };
}

export interface ServeAuthorityOptions {
  /** Told when an invalidation or an answer cannot be sent (closed, not cloneable). @default noopLogger */
  logger?: Logger;
}

/** Publishes an authority's invalidations on a transport and answers its pulls. Returns stop. */
export function serveAuthority<T>(
  authority: Authority<T>,
  transport: Transport,
  options: ServeAuthorityOptions = {},
): Unsubscribe {
  const logger = options.logger ?? noopLogger;
  const send = (message: Message) => {
    try {
      transport.send(message);
    } catch (error) {
      // Nobody can be told; clients that miss an invalidation catch up on the next one, and a
      // pull left unanswered times out and is retried.
      logger.error('serveAuthority could not send', {
        topic: authority.topic,
        type: message.type,
        error,
      });
    }
  };
  const offEvents = authority.subscribe((event) =>
    send({ v: PROTOCOL_VERSION, type: 'invalidate', ...event }),
  );
  const offPulls = transport.subscribe((message) => {
    if (!isProtocolMessage(message) || message.type !== 'pull') return;
    const pull = message as Message & { type: 'pull' };
    if (pull.topic !== authority.topic || typeof pull.id !== 'string') return;
    try {
      const snapshot = authority.getSnapshot();
      transport.send({
        v: PROTOCOL_VERSION,
        type: 'snapshot',
        id: pull.id,
        topic: pull.topic,
        ...snapshot,
      });
    } catch (error) {
      // Most often a snapshot that cannot be cloned: tell the client why instead of timing out.
      send({
        v: PROTOCOL_VERSION,
        type: 'pull-error',
        id: pull.id,
        topic: pull.topic,
        error: serializeError(error),
      });
    }
  });
  return () => {
    offEvents();
    offPulls();
  };
}
