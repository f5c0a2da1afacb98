import { type Logger, StateSyncError, type Transport, type Unsubscribe } from '@statesync/core';
import { fromJsonSafe, toJsonSafe } from '../wire/json-safe.js';

/** An extension event such as `port.onMessage` or `runtime.onConnect`. */
export interface ExtensionEventLike<L> {
  addListener(listener: L): void;
  removeListener(listener: L): void;
}

/** The part of an extension's `runtime.Port` the transports use. */
export interface RuntimePortLike {
  readonly name: string;
  postMessage(message: unknown): void;
  disconnect(): void;
  readonly onMessage: ExtensionEventLike<(message: unknown) => void>;
  readonly onDisconnect: ExtensionEventLike<() => void>;
}

/** The part of an extension's `runtime` (`chrome.runtime`) the transports use. */
export interface RuntimeLike {
  connect(connectInfo: { name: string }): RuntimePortLike;
  readonly onConnect: ExtensionEventLike<(port: RuntimePortLike) => void>;
  /** Set while an `onDisconnect` listener runs when the port closed on an error. */
  readonly lastError?: { message?: string } | undefined;
}

export interface RuntimePortTransportOptions {
  logger: Logger;
  /** Read in `onDisconnect`: the reason, and reading it keeps the browser from logging it as unchecked. */
  runtime: Partial<Pick<RuntimeLike, 'lastError'>>;
  /** Called once when the other end disconnects (not after `close()`). */
  onGone(reason: string): void;
  /** Delivered to the listeners when the other end disconnects: the authority's side passes a `bye`. */
  farewell?: unknown;
}

/**
 * A {@link Transport} over one extension port. Values go through {@link toJsonSafe}, since the
 * browser serialises port messages as JSON. Once the other end disconnected, `onGone` is told
 * and sends are dropped (the owner knows the link is gone); after `close()` they throw `stopped`.
 * Like the port itself, it delivers only to listeners present when a message arrives.
 */
export function createRuntimePortTransport(
  port: RuntimePortLike,
  options: RuntimePortTransportOptions,
): Transport {
  const { logger } = options;
  const listeners = new Set<(message: unknown) => void>();
  let state: 'open' | 'gone' | 'closed' = 'open';
  let listening = false;

  const deliver = (message: unknown) => {
    for (const listener of [...listeners]) {
      if (!listeners.has(listener)) continue;
      try {
        listener(message);
      } catch (error) {
        logger.error('transport listener threw', { error });
      }
    }
  };
  const onMessage = (raw: unknown) => {
    let message: unknown;
    try {
      message = fromJsonSafe(raw);
    } catch (error) {
      logger.warn('a message from an extension port could not be decoded', { error });
      return;
    }
    deliver(message);
  };
  const release = () => {
    if (!listening) return;
    listening = false;
    port.onMessage.removeListener(onMessage);
  };
  const gone = (reason: string) => {
    if (state !== 'open') return;
    state = 'gone';
    release();
    port.onDisconnect.removeListener(onDisconnect);
    options.onGone(reason);
    if (options.farewell !== undefined) deliver(options.farewell);
  };
  const onDisconnect = () => {
    const detail = options.runtime.lastError?.message;
    gone(detail ? `the port closed: ${detail}` : 'the other end of the port disconnected');
  };
  port.onDisconnect.addListener(onDisconnect);

  return {
    send(message) {
      if (state === 'closed')
        throw new StateSyncError('stopped', 'send on a closed port transport');
      const encoded = toJsonSafe(message, 'message');
      if (state === 'gone') return;
      try {
        port.postMessage(encoded);
      } catch (error) {
        // A port the browser already closed throws before its onDisconnect event has run.
        gone(`the port closed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    subscribe(listener): Unsubscribe {
      if (state === 'closed') {
        throw new StateSyncError('stopped', 'subscribe on a closed port transport');
      }
      const own = (message: unknown) => listener(message);
      listeners.add(own);
      if (!listening && state === 'open') {
        listening = true;
        port.onMessage.addListener(onMessage);
      }
      return () => {
        if (listeners.delete(own) && listeners.size === 0) release();
      };
    },
    close() {
      if (state === 'closed') return;
      const open = state === 'open';
      state = 'closed';
      listeners.clear();
      release();
      port.onDisconnect.removeListener(onDisconnect);
      if (!open) return;
      try {
        port.disconnect();
      } catch (error) {
        logger.warn('disconnecting an extension port threw', { error });
      }
    },
  };
}
