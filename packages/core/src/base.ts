// `@statesync/core/base`: the parts of the core every statesync package builds on (errors,
// logging, ids, revisions, patches, transports), without the revision engine, the authority
// and the pull client. A bundler that splits a page's code by module (esbuild does) puts every
// module a page's first chunk reaches, re-exported or not, in that chunk: code that imports
// from here keeps the engine out of the first chunk when the engine loads later. The same
// modules as `@statesync/core`, so classes and values are the same ones (in CommonJS, where
// nothing is split, this entry is the whole core).
export { assertCloneable } from './cloneable.js';
export {
  deserializeError,
  isStateSyncError,
  StateSyncError,
  type StateSyncErrorCode,
  type StateSyncErrorOptions,
  serializeError,
  toStateSyncError,
  type WireError,
} from './errors.js';
export {
  type ConsoleLoggerOptions,
  createConsoleLogger,
  formatValue,
  noopLogger,
  tagLogger,
} from './logger.js';
export {
  createMessagePortTransport,
  type MessagePortLike,
  type MessagePortTransportOptions,
} from './message-port-transport.js';
export { applyPatch, applyPatchInPlace } from './patch.js';
export { isPlainObject, isRecord } from './plain-object.js';
export {
  type CallMessage,
  type InvalidateMessage,
  isProtocolMessage,
  type Message,
  PROTOCOL_VERSION,
  type PullErrorMessage,
  type PullMessage,
  type ResultMessage,
  type SnapshotMessage,
} from './protocol.js';
export { randomId } from './random.js';
export { createReporter, type Reporter, type ReportLine } from './reporter.js';
export {
  assertRevision,
  compareRevisions,
  isCanonicalRevision,
  nextRevision,
  ZERO_REVISION,
} from './revision.js';
export { createObservable, type Observable } from './subscribable.js';
export { defaultTimers } from './timers.js';
export {
  createTransportEnd,
  type TransportEnd,
  type TransportMedium,
} from './transport-end.js';
export type * from './types.js';
export {
  createWebSocketTransport,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketTransportOptions,
} from './websocket-transport.js';
