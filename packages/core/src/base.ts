// `@statesync/core/base`: the parts of the core that statesync packages use in code a page
// loads first (errors, logging, ids, revisions), without the revision engine, the authority,
// the pull client, patches and the transports (their common end, MessagePort, WebSocket),
// which only code loaded later uses. esbuild splits a page's code by module: every
// module that a file in the page's first chunk imports, used there or not, lands in that chunk
// as soon as any chunk uses it. So what is here is what such code needs, and nothing that
// would pull a later chunk's modules in. The same modules as `@statesync/core`, so classes and
// values are the same ones (in CommonJS, where nothing is split, this entry is the whole core).
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
export type * from './types.js';
