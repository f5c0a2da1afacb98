import { type InvalidationEvent, type Logger, noopLogger } from '@statesync/core';
import { DEFAULT_INVALIDATE_CHANNEL } from './default-channels.js';
import type { WebContentsLike } from './electron-types.js';

export interface ElectronBroadcasterOptions {
  /**
   * The pages to reach, asked anew on every publish, e.g.
   * `() => BrowserWindow.getAllWindows().map((window) => window.webContents)`.
   */
  getWebContents(): Iterable<WebContentsLike>;
  /** The channel events are sent on. @default DEFAULT_INVALIDATE_CHANNEL ('statesync:invalidate') */
  channel?: string;
  /** Told about windows that could not be reached. @default noopLogger */
  logger?: Logger;
}

export interface ElectronBroadcaster {
  /**
   * Sends `event` to every live page and returns how many it reached. Destroyed pages are
   * skipped and a page whose `send` throws is logged and skipped; it never throws, so it can
   * be handed straight to `authority.subscribe`.
   */
  publish(event: InvalidationEvent): number;
}

/** Main process: fans invalidation events out to every window over `webContents.send`. */
export function createElectronBroadcaster(
  options: ElectronBroadcasterOptions,
): ElectronBroadcaster {
  const { getWebContents } = options;
  const channel = options.channel ?? DEFAULT_INVALIDATE_CHANNEL;
  const logger = options.logger ?? noopLogger;

  const publish = (event: InvalidationEvent): number => {
    let targets: Iterable<WebContentsLike>;
    try {
      targets = getWebContents();
    } catch (error) {
      logger.error('getWebContents threw, invalidation not sent', { channel, error });
      return 0;
    }
    let reached = 0;
    for (const contents of targets) {
      try {
        if (contents.isDestroyed()) continue;
        contents.send(channel, event);
        reached++;
      } catch (error) {
        // Usually a window closed between isDestroyed() and send(), or an event that cannot be
        // cloned. Either way the other windows still get it; a window that missed an event
        // catches up with the next one, since every event names the newest revision.
        logger.warn('invalidation not sent', {
          channel,
          webContentsId: safeId(contents),
          revision: event.revision,
          error,
        });
      }
    }
    return reached;
  };

  return { publish };
}

function safeId(contents: WebContentsLike): number | undefined {
  try {
    return contents.id;
  } catch {
    return undefined;
  }
}
