import {
  assertCloneable,
  isStateSyncError,
  type Logger,
  noopLogger,
  type SnapshotEnvelope,
  StateSyncError,
  serializeError,
  type Topic,
  type Unsubscribe,
} from '@statesync/core';
import { DEFAULT_SNAPSHOT_CHANNEL } from './default-channels.js';
import type { IpcMainInvokeEventLike, IpcMainLike } from './electron-types.js';
import type { ElectronSnapshotReply } from './snapshot-reply.js';

/** What `getSnapshot` may return: a snapshot, or `undefined` for a topic it does not serve. */
export type ElectronSnapshotAnswer =
  | SnapshotEnvelope<unknown>
  | undefined
  | Promise<SnapshotEnvelope<unknown> | undefined>;

export interface ElectronSnapshotHandlerOptions {
  /** Electron's `ipcMain`. */
  ipcMain: IpcMainLike;
  /**
   * Answers a window's pull: the current `{ revision, epoch?, data }` of `topic`, or
   * `undefined` when this process does not serve it. May be async. A `StateSyncError` it
   * throws reaches the window with its code; anything else arrives as `snapshot_failed`.
   */
  getSnapshot(topic: Topic, event: IpcMainInvokeEventLike): ElectronSnapshotAnswer;
  /** The channel to handle. @default DEFAULT_SNAPSHOT_CHANNEL ('statesync:snapshot') */
  channel?: string;
  /**
   * Return `false` to refuse a pull from this page (for example one whose
   * `event.senderFrame.url` is not your app's); the window gets an `origin_rejected` error.
   * @default every sender is allowed
   */
  allowSender?(event: IpcMainInvokeEventLike): boolean;
  /**
   * Structured-clone each snapshot before answering, so data that cannot cross IPC fails
   * with `not_cloneable` naming its path rather than Electron's bare "An object could not be
   * cloned." Costs one extra copy per pull; turn it off for very large, known-plain data.
   * @default true
   */
  checkCloneable?: boolean;
  /** Told about every pull that failed. @default noopLogger */
  logger?: Logger;
}

/**
 * Main process: answers `ipcRenderer.invoke(channel, topic)` with the topic's snapshot, or
 * with `{ error }` (a `WireError`) when it cannot. Returns a dispose function that removes the
 * handler; idempotent. Throws `invalid_option` when the channel already has a handler.
 */
export function handleElectronSnapshots(options: ElectronSnapshotHandlerOptions): Unsubscribe {
  const { ipcMain, getSnapshot, allowSender } = options;
  const channel = options.channel ?? DEFAULT_SNAPSHOT_CHANNEL;
  const checkCloneable = options.checkCloneable ?? true;
  const logger = options.logger ?? noopLogger;

  const answer = async (
    event: IpcMainInvokeEventLike,
    topic: unknown,
  ): Promise<ElectronSnapshotReply<unknown>> => {
    try {
      if (typeof topic !== 'string' || topic === '') {
        throw new StateSyncError('protocol', `a pull on '${channel}' needs a topic string`);
      }
      if (allowSender && !allowSender(event)) {
        throw new StateSyncError(
          'origin_rejected',
          `pull of '${topic}' refused for webContents ${event.sender.id}`,
        );
      }
      const snapshot = await getSnapshot(topic, event);
      if (snapshot === undefined) {
        throw new StateSyncError('snapshot_failed', `no snapshot for topic '${topic}'`);
      }
      if (checkCloneable) assertCloneable(snapshot, 'snapshot');
      return snapshot;
    } catch (thrown) {
      const error = isStateSyncError(thrown)
        ? thrown
        : new StateSyncError(
            'snapshot_failed',
            `getSnapshot('${String(topic)}') failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
            { cause: thrown, remoteName: thrown instanceof Error ? thrown.name : 'Error' },
          );
      logger.error('snapshot pull failed', { channel, topic, error });
      // Answered, not thrown: Electron would reduce a thrown error to a string.
      return { error: serializeError(error) };
    }
  };

  try {
    ipcMain.handle(channel, answer);
  } catch (error) {
    throw new StateSyncError(
      'invalid_option',
      `ipcMain already has a handler for '${channel}'; pick another channel or remove it first`,
      { cause: error },
    );
  }

  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    ipcMain.removeHandler(channel);
  };
}
