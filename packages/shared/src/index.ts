export {
  type BindStoreOptions,
  type BoundStore,
  bindStore,
  type ExternalStore,
} from './app/bind-store.js';
export { createSharedApp } from './app/shared-app.js';
export {
  createIndexedDBStorage,
  type IndexedDBStorageOptions,
} from './authority/indexeddb-storage.js';
export { spawn } from './client/spawn.js';
export type { LockRequester, MessageEventTarget } from './links/connect-link.js';
export {
  createExtensionClientTransport,
  createExtensionConnector,
  createExtensionServerTransport,
  type ExtensionClientOptions,
  type ExtensionServerOptions,
  type ExtensionTransportOptions,
} from './links/extension-transport.js';
export type {
  ExtensionEventLike,
  RuntimeLike,
  RuntimePortLike,
} from './links/runtime-port-transport.js';
export { createServerConnector, type ServerConnectorOptions } from './links/server-connector.js';
export { relayToServer, type ServerRelay, type ServerRelayOptions } from './links/server-relay.js';
export {
  createServiceWorkerConnector,
  type ServiceWorkerConnectorOptions,
  type ServiceWorkerContainerLike,
  type ServiceWorkerLike,
} from './links/service-worker-connector.js';
export {
  type ClientLike,
  createServiceWorkerServerTransport,
  type ServiceWorkerScopeLike,
  type ServiceWorkerServerOptions,
} from './links/service-worker-transport.js';
export {
  type ConnectEventTarget,
  createSharedWorkerServerTransport,
} from './links/shared-worker.js';
export {
  createWindowClientTransport,
  createWindowServerTransport,
  type WindowClientTransportOptions,
  type WindowPostTarget,
  type WindowServerTransport,
  type WindowServerTransportOptions,
} from './links/window-transport.js';
export {
  createWorkerClientTransport,
  createWorkerServerTransport,
  type WorkerLike,
  type WorkerServerTransport,
  type WorkerTransportOptions,
} from './links/worker-transport.js';
export { defineStore } from './store/define-store.js';
export type {
  Action,
  ActionArgs,
  ActionName,
  ActionResult,
  ActionsOf,
  AnyStoreDefinition,
  AutoShareOptions,
  BoundActions,
  ClientChannel,
  ClientConnector,
  ClientShareOptions,
  Disposer,
  LocalShareOptions,
  ServerChannel,
  ServerShareOptions,
  ServerTransport,
  SharedApp,
  SharedAppOptions,
  SharedAppStatus,
  SharedErrorContext,
  SharedErrorPhase,
  SharedMode,
  SharedRole,
  SharedStorage,
  SharedTabShareOptions,
  SharedWorkerConstructor,
  SharedWorkerLike,
  ShareOptions,
  StateOf,
  StoreDefinition,
  StoreHandle,
  WorkerMode,
} from './types.js';
export type {
  ByeMessage,
  EmitMessage,
  EmitResultMessage,
  HelloMessage,
  SharedMessage,
  SubscribeMessage,
  UnsubscribeMessage,
  WelcomeMessage,
  WireMessage,
} from './wire/protocol.js';
