export {
  type AuthorityDevtoolsOptions,
  connectAuthorityDevtools,
} from './devtools/authority-devtools.js';
export {
  createDevtoolsBridge,
  type DevtoolsBridge,
  type DevtoolsBridgeOptions,
  type DevtoolsCommands,
  type DevtoolsTarget,
} from './devtools/devtools-bridge.js';
export {
  DEVTOOLS_FEATURES,
  type DevtoolsConnect,
  type DevtoolsConnection,
  type DevtoolsConnectOptions,
  type DevtoolsMessage,
  extensionConnect,
} from './devtools/devtools-connection.js';
export { type RemoteDevtoolsOptions, remoteDevtools } from './devtools/remote-devtools.js';
