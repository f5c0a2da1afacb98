import {
  deserializeError,
  parseSnapshot,
  type SnapshotProvider,
  type WireError,
} from '@statesync/core';
import { DEFAULT_SNAPSHOT_CHANNEL } from './default-channels.js';
import type { StateSyncBridge } from './electron-bridge.js';
import { isSnapshotError } from './snapshot-reply.js';

export interface ElectronProviderOptions {
  /** The bridge the preload script exposed, e.g. `window.statesync`. */
  bridge: StateSyncBridge;
  /** The channel snapshots are pulled on. @default DEFAULT_SNAPSHOT_CHANNEL ('statesync:snapshot') */
  channel?: string;
}

/**
 * Renderer: pulls a topic's snapshot with `invoke(channel, topic)`. An `{ error }` answer is
 * rebuilt into the `StateSyncError` the main process raised (code kept); any other answer is
 * checked with `parseSnapshot`, so a malformed one rejects with a `protocol` error.
 */
export function createElectronProvider<T>(options: ElectronProviderOptions): SnapshotProvider<T> {
  const { bridge } = options;
  const channel = options.channel ?? DEFAULT_SNAPSHOT_CHANNEL;
  return {
    async getSnapshot({ topic }) {
      const reply = await bridge.invoke(channel, topic);
      if (isSnapshotError(reply)) throw deserializeError(reply.error as WireError);
      return parseSnapshot<T>(reply);
    },
  };
}
