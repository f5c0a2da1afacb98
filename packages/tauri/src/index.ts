export {
  createTauriSnapshotProvider,
  type TauriSnapshotProviderOptions,
} from './tauri-provider.js';
export {
  createTauriRevisionSync,
  type TauriRevisionSyncOptions,
} from './tauri-revision-sync.js';
export {
  createTauriStorageBackend,
  type TauriStorageBackendOptions,
} from './tauri-storage-backend.js';
export {
  createTauriInvalidationSubscriber,
  type TauriInvalidationSubscriberOptions,
} from './tauri-subscriber.js';
export type {
  TauriArgsOption,
  TauriCommandArgs,
  TauriEvent,
  TauriInvoke,
  TauriListen,
  TauriUnlisten,
} from './types.js';
