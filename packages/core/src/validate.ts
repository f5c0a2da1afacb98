import { StateSyncError } from './errors.js';
import { isRecord } from './plain-object.js';
import { assertRevision, compareRevisions } from './revision.js';
import type {
  Delta,
  InvalidationEvent,
  PatchOp,
  RevisionStamp,
  SnapshotEnvelope,
} from './types.js';

const OPS = new Set(['add', 'replace', 'remove']);

function fail(message: string): never {
  throw new StateSyncError('protocol', message);
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') fail(`${what} must be a non-empty string`);
  return value;
}

function parseOps(value: unknown): PatchOp[] {
  if (!Array.isArray(value)) fail('delta.ops must be an array');
  for (const op of value) {
    if (!isRecord(op) || typeof op.op !== 'string' || !OPS.has(op.op)) {
      fail('each delta op needs op "add", "replace" or "remove"');
    }
    if (!Array.isArray(op.path)) fail('each delta op needs a path array');
  }
  return value as PatchOp[];
}

function parseDelta(value: unknown, revision: string): Delta | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail('delta must be an object');
  const base = assertRevision(value.base, 'delta.base');
  if (compareRevisions(revision, base) <= 0) {
    fail(`delta.base ${base} must be older than the event revision ${revision}`);
  }
  return { base, ops: parseOps(value.ops) };
}

/** Checks an invalidation event from a transport; throws a `protocol` error when malformed. */
export function parseInvalidation(raw: unknown): InvalidationEvent {
  if (!isRecord(raw)) fail('invalidation event must be an object');
  if (typeof raw.topic !== 'string' || raw.topic === '')
    fail('event.topic must be a non-empty string');
  const revision = assertRevision(raw.revision, 'event.revision');
  const event: InvalidationEvent = { topic: raw.topic, revision };
  const epoch = optionalString(raw.epoch, 'event.epoch');
  if (epoch !== undefined) event.epoch = epoch;
  const sourceId = optionalString(raw.sourceId, 'event.sourceId');
  if (sourceId !== undefined) event.sourceId = sourceId;
  if (raw.timestampMs !== undefined) {
    if (typeof raw.timestampMs !== 'number') fail('event.timestampMs must be a number');
    event.timestampMs = raw.timestampMs;
  }
  const delta = parseDelta(raw.delta, revision);
  if (delta !== undefined) event.delta = delta;
  return event;
}

/** Checks a snapshot from a provider; throws a `protocol` error when malformed. */
export function parseSnapshot<T>(raw: unknown): SnapshotEnvelope<T> {
  if (!isRecord(raw)) fail('snapshot must be an object with revision and data');
  const revision = assertRevision(raw.revision, 'snapshot.revision');
  // A key holding undefined is missing too: a message that lost its data on the way.
  if (raw.data === undefined) fail('snapshot.data is missing');
  const snapshot: SnapshotEnvelope<T> = { revision, data: raw.data as T };
  const epoch = optionalString(raw.epoch, 'snapshot.epoch');
  if (epoch !== undefined) snapshot.epoch = epoch;
  return snapshot;
}

/** Checks a revision stamp (`{ revision, epoch? }`); throws a `protocol` error when malformed. */
export function parseStamp(raw: unknown, what = 'stamp'): RevisionStamp {
  if (!isRecord(raw)) fail(`${what} must be an object with a revision`);
  const stamp: RevisionStamp = { revision: assertRevision(raw.revision, `${what}.revision`) };
  const epoch = optionalString(raw.epoch, `${what}.epoch`);
  if (epoch !== undefined) stamp.epoch = epoch;
  return stamp;
}
