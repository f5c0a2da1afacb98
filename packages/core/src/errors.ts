/** Every reason statesync fails for, as a closed set. */
export type StateSyncErrorCode =
  /** A message, event or snapshot is malformed (bad revision, wrong shape). */
  | 'protocol'
  /** An option passed to a factory is invalid. */
  | 'invalid_option'
  /** The subscriber could not subscribe. */
  | 'subscribe_failed'
  /** The provider failed or returned something unusable. */
  | 'snapshot_failed'
  /** The provider answered with data older than an invalidation promised. */
  | 'stale_snapshot'
  /** The applier threw. */
  | 'apply_failed'
  /** An operation did not finish in time. */
  | 'timeout'
  /** The handle was stopped before the operation could finish. */
  | 'stopped'
  /** A value cannot cross a window boundary (not structured-cloneable). */
  | 'not_cloneable'
  /** A remote action threw; `message` and `remoteName` carry what it threw. */
  | 'remote'
  /** A message came from an origin that is not allowed. */
  | 'origin_rejected'
  /** Storage failed: quota, corruption, blocked database, migration. */
  | 'storage'
  /** A server's access rules refused the request (`reason`: `'unauthenticated'`, `'read'`, `'call'`). */
  | 'forbidden';

export interface StateSyncErrorOptions {
  cause?: unknown;
  /** The `name` of the error a remote side threw, kept when rebuilding it here. */
  remoteName?: string;
  /** A finer reason within the code, e.g. `'quota'` or `'corrupt'` for `storage`. */
  reason?: string;
  /** For a failed remote call: the store (or topic) it went to. */
  store?: string;
  /** For a failed remote call: the action it ran. */
  action?: string;
}

const BRAND = Symbol.for('statesync.error');

/** The one error type of statesync. Check `code`, or use {@link isStateSyncError}. */
export class StateSyncError extends Error {
  override readonly name = 'StateSyncError';
  readonly [BRAND] = true;
  readonly code: StateSyncErrorCode;
  readonly remoteName: string | undefined;
  readonly reason: string | undefined;
  readonly store: string | undefined;
  readonly action: string | undefined;

  constructor(code: StateSyncErrorCode, message: string, options: StateSyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.remoteName = options.remoteName;
    this.reason = options.reason;
    this.store = options.store;
    this.action = options.action;
  }
}

export function isStateSyncError(
  value: unknown,
  code?: StateSyncErrorCode,
): value is StateSyncError {
  // A brand instead of `instanceof`, so errors from a second copy of the package still match.
  if (typeof value !== 'object' || value === null || !(BRAND in value)) return false;
  return code === undefined || (value as StateSyncError).code === code;
}

/** Wraps anything thrown into a `StateSyncError` with `code`, keeping the original as `cause`. */
export function toStateSyncError(
  value: unknown,
  code: StateSyncErrorCode,
  context: string,
): StateSyncError {
  if (isStateSyncError(value)) return value;
  const detail = value instanceof Error ? value.message : safeString(value);
  return new StateSyncError(code, `${context}: ${detail}`, { cause: value });
}

/** How an error crosses a window boundary. */
export interface WireError {
  name: string;
  code: StateSyncErrorCode;
  message: string;
  reason?: string;
  store?: string;
  action?: string;
}

const CODES: ReadonlySet<string> = new Set<StateSyncErrorCode>([
  'protocol',
  'invalid_option',
  'subscribe_failed',
  'snapshot_failed',
  'stale_snapshot',
  'apply_failed',
  'timeout',
  'stopped',
  'not_cloneable',
  'remote',
  'origin_rejected',
  'storage',
  'forbidden',
]);

/** The wire form of anything thrown: a `StateSyncError` keeps its code, the rest become `remote`. */
export function serializeError(value: unknown): WireError {
  if (isStateSyncError(value)) {
    const wire: WireError = {
      name: value.remoteName ?? value.name,
      code: value.code,
      message: value.message,
    };
    if (value.reason !== undefined) wire.reason = value.reason;
    if (value.store !== undefined) wire.store = value.store;
    if (value.action !== undefined) wire.action = value.action;
    return wire;
  }
  if (value instanceof Error) return { name: value.name, code: 'remote', message: value.message };
  return { name: 'Error', code: 'remote', message: safeString(value) };
}

/**
 * Rebuilds an error that crossed the wire. The input comes from another window, so it is
 * checked: an unknown `code` becomes `remote`, and a wire error that is not one at all becomes
 * a `protocol` error.
 */
export function deserializeError(wire: WireError): StateSyncError {
  const raw: unknown = wire;
  if (typeof raw !== 'object' || raw === null) {
    return new StateSyncError('protocol', `malformed wire error: ${safeString(raw)}`);
  }
  const { name, code, message, reason, store, action } = raw as Partial<
    Record<keyof WireError, unknown>
  >;
  const options: StateSyncErrorOptions = { remoteName: typeof name === 'string' ? name : 'Error' };
  if (typeof reason === 'string') options.reason = reason;
  if (typeof store === 'string') options.store = store;
  if (typeof action === 'string') options.action = action;
  return new StateSyncError(
    typeof code === 'string' && CODES.has(code) ? (code as StateSyncErrorCode) : 'remote',
    typeof message === 'string' ? message : safeString(message),
    options,
  );
}

/** `String(value)`, but never throws (null-prototype objects, throwing `toString`). */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
