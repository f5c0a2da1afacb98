export type { LockRequester, MessageEventTarget } from './connect-link.js';
export { defineStore } from './define-store.js';
export {
  createExtensionClientTransport,
  createExtensionConnector,
  createExtensionServerTransport,
  type ExtensionClientOptions,
  type ExtensionServerOptions,
  type ExtensionTransportOptions,
} from './extension-transport.js';
export { createIndexedDBStorage, type IndexedDBStorageOptions } from './indexeddb-storage.js';
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
} from './protocol.js';
export type { ExtensionEventLike, RuntimeLike, RuntimePortLike } from './runtime-port-transport.js';
export {
  createServiceWorkerConnector,
  type ServiceWorkerConnectorOptions,
  type ServiceWorkerContainerLike,
  type ServiceWorkerLike,
} from './service-worker-connector.js';
export {
  type ClientLike,
  createServiceWorkerServerTransport,
  type ServiceWorkerScopeLike,
  type ServiceWorkerServerOptions,
} from './service-worker-transport.js';
export { createSharedApp } from './shared-app.js';
export { type ConnectEventTarget, createSharedWorkerServerTransport } from './shared-worker.js';
export { spawn } from './spawn.js';
export type {
  Action,
  ActionArgs,
  ActionName,
  ActionResult,
  ActionsOf,
  AnyStoreDefinition,
  AutoShareOptions,
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
export {
  createWindowClientTransport,
  createWindowServerTransport,
  type WindowClientTransportOptions,
  type WindowPostTarget,
  type WindowServerTransport,
  type WindowServerTransportOptions,
} from './window-transport.js';
export {
  createWorkerClientTransport,
  createWorkerServerTransport,
  type WorkerLike,
  type WorkerServerTransport,
  type WorkerTransportOptions,
} from './worker-transport.js';
