import { notCloneable } from './cloneable.js';
import { StateSyncError } from './errors.js';
import { noopLogger } from './logger.js';
import type { Logger, Transport, Unsubscribe } from './types.js';

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
  const listeners = new Set<(message: unknown) => void>();
  let listening = false;
  let closed = false;

  const onMessage = (event: MessageEvent) => {
    for (const listener of [...listeners]) {
      if (!listeners.has(listener)) continue;
      try {
        listener(event.data);
      } catch (error) {
        logger.error('transport listener threw', { error });
      }
    }
  };
  const onMessageError = () => logger.warn('a message could not be deserialised');

  const listen = () => {
    if (listening) return;
    listening = true;
    port.addEventListener('message', onMessage);
    port.addEventListener('messageerror', onMessageError);
    port.start?.();
  };
  const release = () => {
    if (!listening) return;
    listening = false;
    port.removeEventListener('message', onMessage);
    port.removeEventListener('messageerror', onMessageError);
  };

  return {
    send(message) {
      if (closed) throw new StateSyncError('stopped', 'send on a closed MessagePort transport');
      try {
        port.postMessage(message);
      } catch (error) {
        if (error instanceof Error && error.name === 'DataCloneError') {
          throw notCloneable(message, error);
        }
        throw error;
      }
    },
    subscribe(listener): Unsubscribe {
      if (closed)
        throw new StateSyncError('stopped', 'subscribe on a closed MessagePort transport');
      // A wrapper per call: the same function subscribed twice is two subscriptions.
      const own = (message: unknown) => listener(message);
      listeners.add(own);
      listen();
      return () => {
        if (listeners.delete(own) && listeners.size === 0) release();
      };
    },
    close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      release();
      port.close();
    },
  };
}
