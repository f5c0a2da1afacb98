import {
  type Authority,
  type AuthorityOptions,
  assertCloneable,
  createAuthority,
  type Logger,
  type SnapshotEnvelope,
  StateSyncError,
  type Topic,
  type Unsubscribe,
} from '@statesync/core';
import { DEFAULT_INVALIDATE_CHANNEL, DEFAULT_SNAPSHOT_CHANNEL } from './default-channels.js';
import {
  createElectronBroadcaster,
  type ElectronBroadcasterOptions,
} from './electron-broadcaster.js';
import {
  type ElectronSnapshotHandlerOptions,
  handleElectronSnapshots,
} from './electron-snapshot-handler.js';
import type { IpcMainInvokeEventLike, IpcMainLike } from './electron-types.js';

export interface ElectronAuthorityOptions<T>
  extends AuthorityOptions<T>,
    Pick<ElectronSnapshotHandlerOptions, 'ipcMain' | 'allowSender' | 'checkCloneable'>,
    Pick<ElectronBroadcasterOptions, 'getWebContents'> {
  /** Where its events go. @default DEFAULT_INVALIDATE_CHANNEL ('statesync:invalidate') */
  invalidateChannel?: string;
  /**
   * Where windows pull its snapshots. Authorities of several topics share one channel: each
   * pull names its topic. @default DEFAULT_SNAPSHOT_CHANNEL ('statesync:snapshot')
   */
  snapshotChannel?: string;
}

/** An `Authority` whose events reach every window and whose snapshots windows can pull. */
export interface ElectronAuthority<T> extends Authority<T> {
  /**
   * Stops publishing to windows and stops answering their pulls for this topic (the channel's
   * handler is removed with the last topic on it). The authority itself keeps working.
   * Idempotent.
   */
  dispose(): void;
}

interface Served {
  getSnapshot(event: IpcMainInvokeEventLike): SnapshotEnvelope<unknown>;
}

interface Route {
  topics: Map<Topic, Served>;
  dispose: Unsubscribe;
}

/** ipcMain allows one handler per channel, so the topics served on a channel share one. */
const routes = new WeakMap<IpcMainLike, Map<string, Route>>();

function serve(
  ipcMain: IpcMainLike,
  channel: string,
  topic: Topic,
  served: Served,
  logger: Logger | undefined,
): Unsubscribe {
  let byChannel = routes.get(ipcMain);
  if (!byChannel) {
    byChannel = new Map();
    routes.set(ipcMain, byChannel);
  }
  let route = byChannel.get(channel);
  if (route?.topics.has(topic)) {
    throw new StateSyncError(
      'invalid_option',
      `topic '${topic}' is already served on '${channel}'; dispose the other authority first`,
    );
  }
  if (!route) {
    const topics = new Map<Topic, Served>();
    const dispose = handleElectronSnapshots({
      ipcMain,
      channel,
      // Each topic checks its own cloneability below.
      checkCloneable: false,
      getSnapshot: (asked, event) => topics.get(asked)?.getSnapshot(event),
      // The logger of the first authority on the channel hears about every failed pull on it.
      ...(logger === undefined ? {} : { logger }),
    });
    route = { topics, dispose };
    byChannel.set(channel, route);
  }
  route.topics.set(topic, served);
  const current = route;
  return () => {
    if (current.topics.get(topic) !== served) return;
    current.topics.delete(topic);
    if (current.topics.size === 0) {
      current.dispose();
      byChannel.delete(channel);
    }
  };
}

/**
 * Main process: `createAuthority` wired to Electron. Every change is broadcast to all windows
 * and windows' pulls for its topic are answered on the snapshot channel.
 */
export function createElectronAuthority<T>(
  options: ElectronAuthorityOptions<T>,
): ElectronAuthority<T> {
  const {
    ipcMain,
    getWebContents,
    allowSender,
    checkCloneable = true,
    invalidateChannel = DEFAULT_INVALIDATE_CHANNEL,
    snapshotChannel = DEFAULT_SNAPSHOT_CHANNEL,
    ...authorityOptions
  } = options;
  const authority = createAuthority<T>(authorityOptions);
  const { topic } = authority;
  const logger = authorityOptions.logger;

  const served: Served = {
    getSnapshot(event) {
      if (allowSender && !allowSender(event)) {
        throw new StateSyncError(
          'origin_rejected',
          `pull of '${topic}' refused for webContents ${event.sender.id}`,
        );
      }
      const snapshot = authority.getSnapshot();
      if (checkCloneable) assertCloneable(snapshot, 'snapshot');
      return snapshot;
    },
  };
  const stopServing = serve(ipcMain, snapshotChannel, topic, served, logger);
  const broadcaster = createElectronBroadcaster({
    getWebContents,
    channel: invalidateChannel,
    ...(logger === undefined ? {} : { logger }),
  });
  const stopBroadcasting = authority.subscribe(broadcaster.publish);

  let disposed = false;
  return {
    ...authority,
    dispose() {
      if (disposed) return;
      disposed = true;
      stopBroadcasting();
      stopServing();
    },
  };
}
