import { StateSyncError } from './errors.js';
import { noopLogger } from './logger.js';
import { createTransportEnd } from './transport-end.js';
import type { Logger, Transport } from './types.js';

/**
 * The part of a `MessagePort` the transport uses: a browser's `MessagePort` (one end of a
 * `MessageChannel`, a `SharedWorker`'s `port`) or Node's global one.
 */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEvent) => void): void;
  removeEventListener(
    type: 'message' | 'messageerror',
    listener: (event: MessageEvent) => void,
  ): void;
  /** Needed in browsers when listening with `addEventListener`; called on the first listener. */
  start?(): void;
  close(): void;
}

export interface MessagePortTransportOptions {
  /** Told about listeners that throw and messages that cannot be deserialised. @default noopLogger */
  logger?: Logger;
}

/**
 * A {@link Transport} over one end of a `MessageChannel`: what it sends reaches the port's one
 * partner. The port starts on the first listener (messages sent to it before then wait in the
 * port's queue), stops listening when the last one leaves, and is closed by `close()`.
 */
export function createMessagePortTransport(
  port: MessagePortLike,
  options: MessagePortTransportOptions = {},
): Transport {
  if (typeof port?.postMessage !== 'function' || typeof port.addEventListener !== 'function') {
    throw new StateSyncError('invalid_option', 'port must be a MessagePort');
  }
  const logger = options.logger ?? noopLogger;
  const onMessage = (event: MessageEvent) => end.deliver(event.data);
  const onMessageError = () => logger.warn('a message could not be deserialised');

  const end = createTransportEnd({
    name: 'MessagePort transport',
    logger,
    post: (message) => port.postMessage(message),
    listen() {
      port.addEventListener('message', onMessage);
      port.addEventListener('messageerror', onMessageError);
      port.start?.();
      return () => {
        port.removeEventListener('message', onMessage);
        port.removeEventListener('messageerror', onMessageError);
      };
    },
    release: () => port.close(),
  });
  return end.transport;
}
