export {
  createStateSyncServer,
  type Principal,
  type ServerAction,
  type ServerTopic,
  type StateSyncServer,
  type StateSyncServerOptions,
} from './server.js';
