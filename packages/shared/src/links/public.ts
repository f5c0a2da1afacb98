export {
  createExtensionClientTransport,
  createExtensionConnector,
  createExtensionServerTransport,
  type ExtensionClientOptions,
  type ExtensionServerOptions,
  type ExtensionTransportOptions,
} from './extension-transport.js';
export { createServerConnector, type ServerConnectorOptions } from './server-connector.js';
export { relayToServer, type ServerRelay, type ServerRelayOptions } from './server-relay.js';
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
export {
  type ConnectEventTarget,
  createSharedWorkerServerTransport,
} from './shared-worker.js';
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
