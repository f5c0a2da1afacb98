import {
  isStateSyncError,
  type Logger,
  PROTOCOL_VERSION,
  StateSyncError,
  serializeError,
  type Timers,
  type Transport,
  type Unsubscribe,
} from '@statesync/core';
import { JSON_TEXT } from '../wire/json-text.js';
import { checkHello, type ServerBound } from '../wire/parse-message.js';
import type { WireMessage } from '../wire/protocol.js';
import type { Report } from '../wire/report.js';
import { createDepartureWatcher, type LockWatcher } from './departures.js';

/** One client link of an authority, and what the authority keeps for it. */
export interface Connection {
  transport: Transport;
  clientId: string | undefined;
  topics: Set<string>;
  /** Results waiting for the flush, so they travel after the invalidation they depend on. */
  outbox: WireMessage[];
  off: Unsubscribe;
  /** Stops watching the client's lock. */
  watching: AbortController;
  /** The client's Web Lock is seen held: its life is known from it, it is never probed. */
  vouched: boolean;
  /** When it was last heard from, and how often it was asked since whether it is there. */
  heardAt: number;
  probes: number;
  /** Whether its subscriptions to topics of no store were refused once already. */
  refusedTopics: boolean;
  /**
   * Whether snapshots may travel to it as JSON text: it said it decodes them, and its medium
   * passes a string as it is (a JSON medium would encode the text once more).
   */
  jsonText: boolean;
  /** What the link carries. */
  medium: 'structured-clone' | 'json';
}

/**
 * How many topics of no store (yet) one link may subscribe to: a client that added a store
 * before the authority did is told once it is there; made-up topics are refused beyond that.
 */
export const MAX_UNKNOWN_TOPICS = 32;

/** The direct-channel name of the question a silent link is asked; clients answer any emit. */
const PROBE = 'statesync:alive';
/** How many questions a silent link is asked before it is dropped. */
const PROBES = 3;

export interface ConnectionsOptions {
  app: string;
  version: string;
  logger: Logger;
  report: Report;
  timers: Timers;
  watchLock: LockWatcher | undefined;
  /**
   * A link not vouched for by a held Web Lock that is silent this long is asked whether it is
   * there; still silent this long after, it is dropped.
   */
  silentMs: number;
  isTopic(topic: string): boolean;
  receive(connection: Connection, raw: unknown): void;
  /** The connection is gone: forget what waits for it. */
  onDrop(connection: Connection): void;
}

/** The client links of an authority: sending, the handshake, subscriptions and liveness. */
export function createConnections(options: ConnectionsOptions) {
  const { app, version, logger, report, timers, silentMs } = options;
  const connections = new Set<Connection>();
  const watchDeparture = createDepartureWatcher(options.watchLock, logger);
  let probeIds = 0;
  let sweptAt = timers.now();

  const drop = (connection: Connection) => {
    if (!connections.delete(connection)) return;
    connection.off();
    connection.watching.abort();
    options.onDrop(connection);
    try {
      connection.transport.close();
    } catch (error) {
      logger.warn('closing a client link threw', { error });
    }
  };

  const send = (connection: Connection, message: WireMessage) => {
    try {
      connection.transport.send(message);
    } catch (error) {
      if (isStateSyncError(error, 'stopped')) {
        drop(connection);
        return;
      }
      throw error;
    }
  };

  const trySend = (connection: Connection, message: WireMessage) => {
    try {
      send(connection, message);
    } catch (error) {
      logger.error('could not send to a client', { type: message.type, error });
    }
  };

  /**
   * Asks links silent for `silentMs` whether they are there, again and again while they stay
   * silent (a lossy medium may lose a question or its answer), and drops those still silent
   * after twice that and {@link PROBES} questions. A link that never said hello is dropped
   * after `silentMs`.
   */
  const sweep = () => {
    const now = timers.now();
    if (now - sweptAt < silentMs / 4) return;
    sweptAt = now;
    for (const connection of [...connections]) {
      const silent = now - connection.heardAt;
      if (connection.vouched || silent < silentMs) continue;
      const welcomed = connection.clientId !== undefined;
      if (!welcomed || (connection.probes >= PROBES && silent >= 2 * silentMs)) {
        logger.info('dropping a client link that stopped answering', {
          clientId: connection.clientId,
        });
        drop(connection);
        continue;
      }
      connection.probes++;
      const id = `probe-${++probeIds}`;
      trySend(connection, { v: PROTOCOL_VERSION, type: 'emit', id, name: PROBE, payload: null });
    }
  };

  return {
    drop,
    send,
    trySend,
    sweep,
    all: () => connections,
    welcomed: () => [...connections].filter((c) => c.clientId !== undefined),
    /** Puts `message` in the outbox of client `clientId`; false when it is not connected. */
    queue(clientId: string, message: WireMessage): boolean {
      for (const connection of connections) {
        if (connection.clientId !== clientId) continue;
        connection.outbox.push(message);
        return true;
      }
      return false;
    },
    open(transport: Transport, medium: Connection['medium'] = 'structured-clone'): Connection {
      const connection: Connection = {
        transport,
        clientId: undefined,
        topics: new Set(),
        outbox: [],
        off: () => {},
        watching: new AbortController(),
        vouched: false,
        heardAt: timers.now(),
        probes: 0,
        refusedTopics: false,
        jsonText: false,
        medium,
      };
      connections.add(connection);
      connection.off = transport.subscribe((raw) => {
        connection.heardAt = timers.now();
        connection.probes = 0;
        try {
          options.receive(connection, raw);
        } catch (error) {
          // Never into the transport: a bug here must not break the link.
          logger.error('handling a client message threw', { error });
        }
      });
      sweep();
      return connection;
    },
    greet(connection: Connection, message: ServerBound & { type: 'hello' }) {
      const refusal = checkHello(message, app, version);
      if (refusal) {
        report({ phase: 'connect', error: refusal });
        const error = serializeError(refusal);
        trySend(connection, { v: PROTOCOL_VERSION, type: 'welcome', app, version, error });
        return;
      }
      connection.clientId = message.clientId;
      connection.jsonText =
        connection.medium !== 'json' &&
        Array.isArray(message.encodings) &&
        message.encodings.includes(JSON_TEXT);
      trySend(connection, { v: PROTOCOL_VERSION, type: 'welcome', app, version });
      if (message.lock === undefined) return;
      const { signal } = connection.watching;
      void watchDeparture(message.lock, signal, () => {
        if (!connections.has(connection)) return;
        logger.debug('a client left without saying bye', { clientId: connection.clientId });
        drop(connection);
      }).then((watched) => {
        connection.vouched = watched;
      });
    },
    subscribe(connection: Connection, topic: string) {
      if (options.isTopic(topic) || connection.topics.has(topic)) {
        connection.topics.add(topic);
        return;
      }
      const unknown = [...connection.topics].filter((known) => !options.isTopic(known));
      if (unknown.length < MAX_UNKNOWN_TOPICS) {
        connection.topics.add(topic);
        return;
      }
      if (connection.refusedTopics) return;
      connection.refusedTopics = true;
      const error = new StateSyncError(
        'protocol',
        `a client subscribed to more than ${MAX_UNKNOWN_TOPICS} topics of no store; the others are ignored`,
      );
      report({ phase: 'message', error });
    },
    dispose() {
      for (const connection of [...connections]) drop(connection);
    },
  };
}

export type Connections = ReturnType<typeof createConnections>;
