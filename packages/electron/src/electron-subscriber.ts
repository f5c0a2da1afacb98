import {
  type InvalidationEvent,
  type InvalidationSubscriber,
  type Logger,
  noopLogger,
} from '@statesync/core';
import { DEFAULT_INVALIDATE_CHANNEL } from './default-channels.js';
import type { StateSyncBridge } from './electron-bridge.js';

export interface ElectronSubscriberOptions {
  /** The bridge the preload script exposed, e.g. `window.statesync`. */
  bridge: StateSyncBridge;
  /** The channel events arrive on. @default DEFAULT_INVALIDATE_CHANNEL ('statesync:invalidate') */
  channel?: string;
  /** Told when the handler throws. @default noopLogger */
  logger?: Logger;
}

/**
 * Renderer: invalidation events from the main process. Payloads are passed on as received;
 * the engine validates each one (`parseInvalidation`) and reports malformed ones to `onError`
 * as `protocol` errors. Nothing thrown here reaches IPC.
 */
export function createElectronSubscriber(
  options: ElectronSubscriberOptions,
): InvalidationSubscriber {
  const { bridge } = options;
  const channel = options.channel ?? DEFAULT_INVALIDATE_CHANNEL;
  const logger = options.logger ?? noopLogger;
  return {
    subscribe(handler) {
      return bridge.subscribe(channel, (payload) => {
        try {
          handler(payload as InvalidationEvent);
        } catch (error) {
          logger.error('invalidation handler threw', { channel, error });
        }
      });
    },
  };
}
