import {
  createRevisionSync,
  type RevisionSyncHandle,
  type RevisionSyncOptions,
  StateSyncError,
} from '@statesync/core';
import { DEFAULT_INVALIDATE_CHANNEL, DEFAULT_SNAPSHOT_CHANNEL } from './default-channels.js';
import type { StateSyncBridge } from './electron-bridge.js';
import { createElectronProvider } from './electron-provider.js';
import { createElectronSubscriber } from './electron-subscriber.js';

export interface ElectronRevisionSyncOptions<T>
  extends Omit<RevisionSyncOptions<T>, 'subscriber' | 'provider'> {
  /** The bridge the preload script exposed, e.g. `window.statesync`. */
  bridge: StateSyncBridge;
  /** The channel events arrive on. @default DEFAULT_INVALIDATE_CHANNEL ('statesync:invalidate') */
  invalidateChannel?: string;
  /** The channel snapshots are pulled on. @default DEFAULT_SNAPSHOT_CHANNEL ('statesync:snapshot') */
  snapshotChannel?: string;
}

/**
 * Renderer: `createRevisionSync` over the preload bridge. Every other option is
 * `createRevisionSync`'s, with the same defaults.
 */
export function createElectronRevisionSync<T>(
  options: ElectronRevisionSyncOptions<T>,
): RevisionSyncHandle {
  const {
    bridge,
    invalidateChannel = DEFAULT_INVALIDATE_CHANNEL,
    snapshotChannel = DEFAULT_SNAPSHOT_CHANNEL,
    ...engineOptions
  } = options;
  if (
    typeof bridge !== 'object' ||
    bridge === null ||
    typeof bridge.subscribe !== 'function' ||
    typeof bridge.invoke !== 'function'
  ) {
    throw new StateSyncError(
      'invalid_option',
      'bridge must be the object exposeStateSyncBridge gave the page (is the preload script set?)',
    );
  }
  const { logger } = engineOptions;
  return createRevisionSync<T>({
    ...engineOptions,
    subscriber: createElectronSubscriber({
      bridge,
      channel: invalidateChannel,
      ...(logger === undefined ? {} : { logger }),
    }),
    provider: createElectronProvider<T>({ bridge, channel: snapshotChannel }),
  });
}
