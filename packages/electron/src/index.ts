export { DEFAULT_INVALIDATE_CHANNEL, DEFAULT_SNAPSHOT_CHANNEL } from './default-channels.js';
export {
  createElectronAuthority,
  type ElectronAuthority,
  type ElectronAuthorityOptions,
} from './electron-authority.js';
export {
  createStateSyncBridge,
  type ExposeStateSyncBridgeOptions,
  exposeStateSyncBridge,
  type StateSyncBridge,
  type StateSyncBridgeOptions,
} from './electron-bridge.js';
export {
  createElectronBroadcaster,
  type ElectronBroadcaster,
  type ElectronBroadcasterOptions,
} from './electron-broadcaster.js';
export { createElectronProvider, type ElectronProviderOptions } from './electron-provider.js';
export {
  createElectronRevisionSync,
  type ElectronRevisionSyncOptions,
} from './electron-revision-sync.js';
export {
  type ElectronSnapshotAnswer,
  type ElectronSnapshotHandlerOptions,
  handleElectronSnapshots,
} from './electron-snapshot-handler.js';
export { createElectronSubscriber, type ElectronSubscriberOptions } from './electron-subscriber.js';
export type {
  ContextBridgeLike,
  IpcMainInvokeEventLike,
  IpcMainLike,
  IpcRendererLike,
  WebContentsLike,
} from './electron-types.js';
export type { ElectronSnapshotError, ElectronSnapshotReply } from './snapshot-reply.js';
