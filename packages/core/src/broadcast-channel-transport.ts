import { notCloneable } from './cloneable.js';
import { StateSyncError } from './errors.js';
import { noopLogger } from './logger.js';
import type { Logger, Transport, Unsubscribe } from './types.js';

export interface BroadcastChannelTransportOptions {
  /** Told about listeners that throw and messages that cannot be deserialised. */
  logger?: Logger;
  /** The constructor to use. @default globalThis.BroadcastChannel */
  BroadcastChannel?: typeof BroadcastChannel;
}

/**
 * A {@link Transport} over a `BroadcastChannel`: every same-origin tab, frame and worker that
 * opens a transport with the same `name` receives what the others send. The channel is opened on
 * the first `send` or listener and released when the last listener leaves (an open channel keeps
 * a Node process alive), or on `close()`.
 */
export function createBroadcastChannelTransport(
  name: string,
  options: BroadcastChannelTransportOptions = {},
): Transport {
  const Channel = options.BroadcastChannel ?? globalThis.BroadcastChannel;
  if (typeof Channel !== 'function') {
    throw new StateSyncError('invalid_option', 'BroadcastChannel is not available here');
  }
  if (typeof name !== 'string' || name === '') {
    throw new StateSyncError('invalid_option', 'channel name must be a non-empty string');
  }
  const logger = options.logger ?? noopLogger;
  const listeners = new Set<(message: unknown) => void>();
  let channel: BroadcastChannel | undefined;
  let closed = false;

  const open = () => {
    if (channel) return channel;
    const opened = new Channel(name);
    opened.onmessage = (event: MessageEvent) => {
      for (const listener of [...listeners]) {
        if (!listeners.has(listener)) continue;
        try {
          listener(event.data);
        } catch (error) {
          logger.error('transport listener threw', { error });
        }
      }
    };
    opened.onmessageerror = () => logger.warn('a message could not be deserialised', { name });
    channel = opened;
    return opened;
  };

  const release = () => {
    channel?.close();
    channel = undefined;
  };

  return {
    send(message) {
      if (closed) throw new StateSyncError('stopped', `send on closed channel "${name}"`);
      try {
        open().postMessage(message);
      } catch (error) {
        if (error instanceof Error && error.name === 'DataCloneError') {
          throw notCloneable(message, error);
        }
        throw error;
      }
    },
    subscribe(listener): Unsubscribe {
      if (closed) throw new StateSyncError('stopped', `subscribe on closed channel "${name}"`);
      const own = (message: unknown) => listener(message);
      listeners.add(own);
      open();
      return () => {
        listeners.delete(own);
        if (listeners.size === 0) release();
      };
    },
    close() {
      closed = true;
      listeners.clear();
      release();
    },
  };
}
