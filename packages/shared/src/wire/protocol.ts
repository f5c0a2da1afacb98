/**
 * The shared layer's own wire messages. Everything about state travels in core's messages
 * (`invalidate`, `pull`, `snapshot`, `pull-error`, `call`, `result`); these add the handshake,
 * store subscriptions and the direct channel. Types only: nothing here runs.
 */
import type {
  CallMessage,
  Epoch,
  InvalidateMessage,
  Message,
  PROTOCOL_VERSION,
  Revision,
  SnapshotMessage,
  Topic,
  WireError,
} from '@statesync/core';

/** One call that changed a store: its id, the revision it made, and what it returned. */
export type LedgerEntry = [id: string, revision: Revision, value: unknown];

interface Versioned {
  v: typeof PROTOCOL_VERSION;
}

/** Client → authority, first: who is asking, so incompatible builds are told apart. */
export interface HelloMessage extends Versioned {
  type: 'hello';
  /** The app's name (`share.name`). */
  app: string;
  /** The app's build version (`share.version`). */
  version: string;
  /** Names this client in the authority's logs and direct-channel handlers. */
  clientId: string;
  /** A Web Lock this client holds for its whole life: once it is free, the client is gone. */
  lock?: string;
  /**
   * Snapshot encodings this client decodes besides structured data: `'json'` lets the authority
   * send a store's data as one JSON string, cheaper to pass than the object graph.
   */
  encodings?: string[];
}

/** Authority → client: the answer to `hello`. With `error`, the client is refused. */
export interface WelcomeMessage extends Versioned {
  type: 'welcome';
  app: string;
  version: string;
  error?: WireError;
  /** The authority answers a `subscribe` that names a revision with `subscribed` (a server). */
  resume?: true;
}

/**
 * Client → authority: send me the invalidations of this store's topic. With `revision` (only to
 * an authority whose welcome said `resume`): first what came after it, then `subscribed`.
 */
export interface SubscribeMessage extends Versioned {
  type: 'subscribe';
  topic: Topic;
  revision?: Revision;
  epoch?: Epoch;
}

/**
 * Authority → client, after a `subscribe` that named a revision: everything after it was sent
 * (its deltas, or an invalidation to pull), and the topic stands at `revision`.
 */
export interface SubscribedMessage extends Versioned {
  type: 'subscribed';
  topic: Topic;
  revision: Revision;
  epoch?: Epoch;
}

/** Client → authority: stop sending this topic. */
export interface UnsubscribeMessage extends Versioned {
  type: 'unsubscribe';
  topic: Topic;
}

/** Client → authority: this client is leaving; forget it. */
export interface ByeMessage extends Versioned {
  type: 'bye';
}

/** Either way: a direct-channel message for the other role's `listen(name)` handlers. */
export interface EmitMessage extends Versioned {
  type: 'emit';
  id: string;
  name: string;
  payload: unknown;
}

/**
 * The answer to `emit`: the handler's return value, its error, or `handled: false` when
 * nothing listens to that name on this side.
 */
export interface EmitResultMessage extends Versioned {
  type: 'emit-result';
  id: string;
  handled: boolean;
  value?: unknown;
  error?: WireError;
}

export type SharedMessage =
  | HelloMessage
  | WelcomeMessage
  | SubscribeMessage
  | SubscribedMessage
  | UnsubscribeMessage
  | ByeMessage
  | EmitMessage
  | EmitResultMessage;

/**
 * An invalidation with the calls that made the change (`[id, revision, value]`), sent in
 * `SharedTab` mode so every mirror knows which calls its state holds.
 */
export interface LedgerInvalidateMessage extends InvalidateMessage {
  calls?: LedgerEntry[];
  /**
   * Sent only to the client that made them: the ids of its calls marked `optimistic` that this
   * change holds, so that it stops showing its own guess of them in the same apply. Not
   * checked on arrival: the guesses act on the ids they made, and ignore anything else.
   */
  applied?: string[];
}

/** A call whose change the calling client already shows as a guess (an optimistic action). */
export interface GuessedCallMessage extends CallMessage {
  /** True when it is; absent or undefined otherwise. */
  optimistic?: boolean | undefined;
}

/**
 * A snapshot with the authority's recent calls (`SharedTab` mode), as of that snapshot. With
 * `encoding: 'json'`, `data` is the state as JSON text (sent only to clients that said they
 * decode it, and only for state that JSON carries exactly).
 */
export interface LedgerSnapshotMessage extends SnapshotMessage {
  calls?: LedgerEntry[];
  encoding?: 'json';
  /**
   * While DevTools show a travelled state: the live state and its revision, which a tab hands
   * over at a failover instead of the state it shows.
   */
  live?: LiveRecord;
}

/** The state an authority holds while DevTools show another, and its revision. */
export interface LiveRecord {
  revision: Revision;
  data: object;
}

/** Every message that travels between an authority and its clients. */
export type WireMessage =
  | Exclude<Message, InvalidateMessage | SnapshotMessage | CallMessage>
  | GuessedCallMessage
  | LedgerInvalidateMessage
  | LedgerSnapshotMessage
  | SharedMessage;
