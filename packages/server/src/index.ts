export { createStateSyncServer, type StateSyncServer } from './server.js';
export type { RunResult } from './topic-runner.js';
export type { AccessRequest, Principal, StateSyncServerOptions } from './types.js';
