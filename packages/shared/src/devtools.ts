export { type RemoteDevtoolsOptions, remoteDevtools } from '@statesync/core/devtools';
export { connectDevtools, type DevtoolsOptions } from './devtools/connect-devtools.js';
export {
  DEVTOOLS_COMMAND,
  DEVTOOLS_EVENT,
  type DevtoolsEvent,
  type DevtoolsRequest,
} from './devtools/devtools-protocol.js';
export { type ServeDevtoolsOptions, serveDevtools } from './devtools/serve-devtools.js';
