import { StateSyncError } from './errors.js';
import { noopLogger } from './logger.js';
import { createTransportEnd } from './transport-end.js';
import type { Logger, Transport } from './types.js';

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
  let channel: BroadcastChannel | undefined;

  const open = () => {
    if (channel) return channel;
    const opened = new Channel(name);
    opened.onmessage = (event: MessageEvent) => end.deliver(event.data);
    opened.onmessageerror = () => logger.warn('a message could not be deserialised', { name });
    channel = opened;
    return opened;
  };
  const release = () => {
    channel?.close();
    channel = undefined;
  };

  const end = createTransportEnd({
    name: `channel "${name}"`,
    logger,
    post: (message) => open().postMessage(message),
    listen() {
      open();
      return release;
    },
    release,
  });
  return end.transport;
}
