export {
  type Authority,
  type AuthorityOptions,
  type ChangeOptions,
  createAuthority,
} from './authority.js';
export * from './base.js';
export {
  type BroadcastChannelTransportOptions,
  createBroadcastChannelTransport,
} from './broadcast-channel-transport.js';
export { type DeadlineOptions, isThenable, withDeadline } from './deadline.js';
export { createRevisionSync, type RevisionSyncHandle, type RevisionSyncOptions } from './engine.js';
export { createMemoryHub, type MemoryHub, type MemoryHubOptions } from './memory-transport.js';
export {
  createMessagePortTransport,
  type MessagePortLike,
  type MessagePortTransportOptions,
} from './message-port-transport.js';
export { watchPageLifecycle } from './page-lifecycle.js';
export { applyPatch, applyPatchInPlace } from './patch.js';
export {
  createPendingRequests,
  type PendingRequests,
  type PendingRequestsOptions,
  type RequestOptions,
  type RequestOutcome,
  type TakenRequest,
} from './pending-requests.js';
export { createPullClient, type PullClient, type PullClientOptions } from './pull-client.js';
export {
  type ApplyMode,
  createStoreApplier,
  mergeOps,
  type StoreApplierOptions,
  type StoreBinding,
} from './store-applier.js';
export { createThrottle, type Throttle } from './throttle.js';
export {
  createTransportEnd,
  type TransportEnd,
  type TransportMedium,
} from './transport-end.js';
export {
  createTransportProvider,
  createTransportSubscriber,
  type ServeAuthorityOptions,
  serveAuthority,
} from './transport-sync.js';
export type {
  Delta,
  Epoch,
  InvalidationEvent,
  InvalidationSubscriber,
  Logger,
  PatchEnvelope,
  PatchOp,
  RetryOptions,
  Revision,
  RevisionStamp,
  SnapshotApplier,
  SnapshotEnvelope,
  SnapshotProvider,
  SnapshotRequest,
  Subscribable,
  SyncErrorContext,
  SyncPhase,
  SyncState,
  SyncStatus,
  ThrottlingOptions,
  Timers,
  Topic,
  Transport,
  Unsubscribe,
} from './types.js';
export { parseInvalidation, parseSnapshot, parseStamp } from './validate.js';
export {
  type CallOutcome,
  type ConnectionStatus,
  createWebSocketConnection,
  type WebSocketConnection,
  type WebSocketConnectionOptions,
} from './websocket-connection.js';
export {
  createWebSocketTransport,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketTransportOptions,
} from './websocket-transport.js';
