import type { WireError } from './errors.js';
import type { Epoch, InvalidationEvent, Revision, Topic } from './types.js';

/** statesync's own wire messages carry this version; others are not ours and are ignored. */
export const PROTOCOL_VERSION = 1;

interface Versioned {
  v: typeof PROTOCOL_VERSION;
}

/** The authority announces a new revision, possibly with the delta from the previous one. */
export interface InvalidateMessage extends Versioned, InvalidationEvent {
  type: 'invalidate';
}

/** A client asks for the current snapshot of a topic. */
export interface PullMessage extends Versioned {
  type: 'pull';
  id: string;
  topic: Topic;
}

/** The answer to a pull. */
export interface SnapshotMessage extends Versioned {
  type: 'snapshot';
  id: string;
  topic: Topic;
  revision: Revision;
  epoch?: Epoch;
  data: unknown;
}

/** A pull the authority could not answer. */
export interface PullErrorMessage extends Versioned {
  type: 'pull-error';
  id: string;
  topic: Topic;
  error: WireError;
}

/** A client asks the authority to run an action. */
export interface CallMessage extends Versioned {
  type: 'call';
  id: string;
  topic: Topic;
  action: string;
  args: unknown[];
}

/** The outcome of a call, with the revision the caller must reach before resolving. */
export interface ResultMessage extends Versioned {
  type: 'result';
  id: string;
  revision: Revision;
  epoch: Epoch;
  value?: unknown;
  error?: WireError;
}

export type Message =
  | InvalidateMessage
  | PullMessage
  | SnapshotMessage
  | PullErrorMessage
  | CallMessage
  | ResultMessage;

/** True for anything that claims to be a statesync message (it may still be malformed). */
export function isProtocolMessage(value: unknown): value is { v: number; type: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { v?: unknown }).v === PROTOCOL_VERSION &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}
