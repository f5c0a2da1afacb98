import {
  assertRevision,
  isProtocolMessage,
  PROTOCOL_VERSION,
  type PullErrorMessage,
  type PullMessage,
  type ResultMessage,
  StateSyncError,
} from '@statesync/core/base';
import { isRevision } from './is-revision.js';
import type {
  ByeMessage,
  EmitMessage,
  EmitResultMessage,
  GuessedCallMessage,
  HelloMessage,
  LedgerInvalidateMessage,
  LedgerSnapshotMessage,
  SubscribedMessage,
  SubscribeMessage,
  UnsubscribeMessage,
  WelcomeMessage,
} from './protocol.js';
import { decodingError } from './undecodable.js';

/** What an authority accepts from a client. */
export type ServerBound =
  | HelloMessage
  | SubscribeMessage
  | UnsubscribeMessage
  | ByeMessage
  | PullMessage
  | GuessedCallMessage
  | EmitMessage
  | EmitResultMessage;

/** What a client accepts from its authority. */
export type ClientBound =
  | WelcomeMessage
  | SubscribedMessage
  | LedgerInvalidateMessage
  | LedgerSnapshotMessage
  | PullErrorMessage
  | ResultMessage
  | EmitMessage
  | EmitResultMessage;

type Raw = Record<string, unknown>;

function fail(message: string): never {
  throw new StateSyncError('protocol', message);
}

function string(raw: Raw, key: string): void {
  if (typeof raw[key] !== 'string' || raw[key] === '') {
    fail(`${String(raw.type)} message: ${key} must be a non-empty string`);
  }
}

function wireError(raw: Raw): void {
  const error = raw.error;
  if (
    typeof error !== 'object' ||
    error === null ||
    typeof (error as Raw).code !== 'string' ||
    typeof (error as Raw).message !== 'string'
  ) {
    fail(`${String(raw.type)} message: error must be { name, code, message }`);
  }
}

/** The statesync message in `raw`, or a `protocol` error saying why it is not one. */
function envelope(raw: unknown): Raw {
  if (isProtocolMessage(raw)) return raw as unknown as Raw;
  const undecoded = decodingError(raw);
  if (undecoded) throw undecoded;
  if (typeof raw === 'object' && raw !== null && (raw as Raw).v === PROTOCOL_VERSION) {
    fail('malformed message: type must be a string');
  }
  if (typeof raw === 'object' && raw !== null && typeof (raw as Raw).v === 'number') {
    fail(
      `protocol version ${(raw as Raw).v} is not supported (this side speaks ${PROTOCOL_VERSION})`,
    );
  }
  return fail('not a statesync message');
}

/** Checks a direct-channel message, which travels both ways; false for any other type. */
function isDirectChannel(raw: Raw): boolean {
  if (raw.type === 'emit') {
    string(raw, 'id');
    string(raw, 'name');
    return true;
  }
  if (raw.type !== 'emit-result') return false;
  parseEmitResult(raw);
  return true;
}

/**
 * Checks a message arriving at the authority: its type and the fields the authority relies on.
 * Throws a `protocol` error naming the problem.
 */
export function parseServerBound(value: unknown): ServerBound {
  const raw = envelope(value);
  switch (raw.type) {
    case 'hello':
      string(raw, 'app');
      string(raw, 'clientId');
      if (typeof raw.version !== 'string') fail('hello message: version must be a string');
      if (raw.lock !== undefined) string(raw, 'lock');
      break;
    case 'subscribe':
    case 'unsubscribe':
      string(raw, 'topic');
      break;
    case 'bye':
      break;
    case 'pull':
      string(raw, 'id');
      string(raw, 'topic');
      break;
    case 'call':
      string(raw, 'id');
      string(raw, 'topic');
      string(raw, 'action');
      if (!Array.isArray(raw.args)) fail('call message: args must be an array');
      break;
    default:
      if (!isDirectChannel(raw))
        fail(`unexpected message type "${String(raw.type)}" for an authority`);
  }
  return raw as unknown as ServerBound;
}

/** Checks a message arriving at a client. Throws a `protocol` error naming the problem. */
export function parseClientBound(value: unknown): ClientBound {
  const raw = envelope(value);
  switch (raw.type) {
    case 'welcome':
      string(raw, 'app');
      if (typeof raw.version !== 'string') fail('welcome message: version must be a string');
      if (raw.error !== undefined) wireError(raw);
      break;
    case 'subscribed':
      string(raw, 'topic');
      assertRevision(raw.revision, 'subscribed.revision');
      if (raw.epoch !== undefined) string(raw, 'epoch');
      break;
    case 'invalidate':
      // The rest is the engine's to check.
      string(raw, 'topic');
      ledger(raw);
      break;
    case 'snapshot':
      string(raw, 'id');
      ledger(raw);
      break;
    case 'pull-error':
      string(raw, 'id');
      wireError(raw);
      break;
    case 'result':
      string(raw, 'id');
      assertRevision(raw.revision, 'result.revision');
      string(raw, 'epoch');
      if (raw.error !== undefined) wireError(raw);
      // A success must say what the action returned, even `undefined`: a result without it
      // is malformed, never a silent `undefined`.
      else if (!('value' in raw)) fail('result message: needs a value or an error');
      break;
    default:
      if (!isDirectChannel(raw)) fail(`unexpected message type "${String(raw.type)}" for a client`);
  }
  return raw as unknown as ClientBound;
}

/** The optional `calls` of an invalidation or a snapshot: `[id, revision, value]` entries. */
function ledger(raw: Raw): void {
  if (raw.calls === undefined) return;
  const ok =
    Array.isArray(raw.calls) &&
    raw.calls.every(
      (entry: unknown) =>
        Array.isArray(entry) &&
        entry.length === 3 &&
        typeof entry[0] === 'string' &&
        isRevision(entry[1]),
    );
  if (!ok) fail(`${String(raw.type)} message: calls must be [id, revision, value] entries`);
}

function parseEmitResult(raw: Raw): void {
  string(raw, 'id');
  if (typeof raw.handled !== 'boolean') fail('emit-result message: handled must be a boolean');
  if (raw.error !== undefined) wireError(raw);
}

/** Why the authority of `app` at `version` refuses this hello, or undefined if it does not. */
export function checkHello(
  hello: HelloMessage,
  app: string,
  version: string,
): StateSyncError | undefined {
  let why: string | undefined;
  if (hello.app !== app) why = `this authority serves app "${app}", not "${hello.app}"`;
  else if (hello.version !== version) {
    why = `app version "${hello.version}" does not match the authority's "${version}"`;
  }
  return why === undefined
    ? undefined
    : new StateSyncError('protocol', why, { reason: 'version_mismatch' });
}
