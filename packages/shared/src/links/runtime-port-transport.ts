import { createTransportEnd, type Logger, type Transport } from '@statesync/core';
import { fromJsonSafe, toJsonSafe } from '../wire/json-safe.js';
import { undecodable } from '../wire/undecodable.js';

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
  const onMessage = (raw: unknown) => {
    let message: unknown;
    try {
      message = fromJsonSafe(raw);
    } catch (error) {
      // Handed on as such, so the listener reports it like any malformed message.
      message = undecodable(error);
    }
    end.deliver(message);
  };
  const gone = (reason: string) => {
    if (end.gone()) options.onGone(reason);
  };
  const onDisconnect = () => {
    const detail = options.runtime.lastError?.message;
    gone(detail ? `the port closed: ${detail}` : 'the other end of the port disconnected');
  };

  const end = createTransportEnd<unknown>({
    name: 'port transport',
    logger,
    farewell: options.farewell,
    post(message) {
      const encoded = toJsonSafe(message, 'message');
      try {
        port.postMessage(encoded);
      } catch (error) {
        // A port the browser already closed throws before its onDisconnect event has run.
        gone(`the port closed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    listen() {
      port.onMessage.addListener(onMessage);
      return () => port.onMessage.removeListener(onMessage);
    },
    release(why) {
      port.onDisconnect.removeListener(onDisconnect);
      if (why === 'gone') return;
      try {
        port.disconnect();
      } catch (error) {
        logger.warn('disconnecting an extension port threw', { error });
      }
    },
  });
  port.onDisconnect.addListener(onDisconnect);
  return end.transport;
}
