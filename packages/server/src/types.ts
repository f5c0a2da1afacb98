import type { IncomingMessage } from 'node:http';
import type { Logger } from '@statesync/core';
import type { AnyStoreDefinition } from '@statesync/shared';

/** Who a connection belongs to, as `authenticate` found; `id` scopes its call records. */
export interface Principal {
  id: string;
  [key: string]: unknown;
}

/** One request to be authorised: reading a topic, or calling one of its actions. */
export type AccessRequest =
  | { principal: Principal; topic: string; kind: 'read' }
  | { principal: Principal; topic: string; kind: 'call'; action: string };

export interface StateSyncServerOptions {
  /** Where the canonical state lives, e.g. `redis://127.0.0.1:6379`. */
  redisUrl: string;
  /** Revision-sync topics: each store's name is its topic. */
  topics?: readonly AnyStoreDefinition[];
  /**
   * A shared app whose stores run here (topics `<name>/<store>`); the hello of its clients must
   * name this app and version.
   */
  app?: { name: string; version?: string; stores: readonly AnyStoreDefinition[] };
  /**
   * Finds who is connecting (WebSocket upgrade, snapshot GET, event stream); `undefined` or a
   * throw refuses with 401. @default everyone is `{ id: 'anonymous' }`
   */
  authenticate?: (
    request: IncomingMessage,
  ) => Principal | undefined | Promise<Principal | undefined>;
  /** Whether a principal may read a topic or call an action; a refusal is a `forbidden` error. @default everything allowed */
  authorize?: (request: AccessRequest) => boolean | Promise<boolean>;
  /**
   * The `Origin` headers allowed on WebSocket upgrades and event streams, exactly as browsers
   * send them. Requests without one (not from a browser) pass. @default none: browsers are refused
   */
  allowedOrigins?: readonly string[];
  /** How many entries each topic's stream keeps for clients that resume. @default 10000 */
  streamLength?: number;
  /**
   * How long each caller's call record (per topic: its last call number and its last 256
   * answers) stays in Redis after its last call or re-send, so memory stays bounded as callers
   * come and go. A call re-sent after its record expired cannot be told from a new one and runs
   * again: keep this well above the longest time a client goes on re-sending (its call timeout
   * and reconnects). @default 86400000 (one day)
   */
  callRecordTtlMs?: number;
  /** How long a call may wait for Redis (outage, conflicts) before it fails. @default 30000 */
  callDeadlineMs?: number;
  /** @default noopLogger */
  logger?: Logger;
}
