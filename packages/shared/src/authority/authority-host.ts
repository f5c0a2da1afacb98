import {
  assertCloneable,
  isStateSyncError,
  type Logger,
  PROTOCOL_VERSION,
  StateSyncError,
  serializeError,
  type Timers,
  type Transport,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core';
import type { StoreRecord } from '../store/store-record.js';
import type { AnyStoreDefinition, ServerChannel, ServerTransport } from '../types.js';
import { createDirectChannel, type DirectChannel, serverChannel } from '../wire/direct-channel.js';
import { checkHello, parseServerBound, type ServerBound } from '../wire/parse-message.js';
import type {
  LedgerInvalidateMessage,
  LedgerSnapshotMessage,
  WireMessage,
} from '../wire/protocol.js';
import type { Report } from '../wire/report.js';
import { createDepartureWatcher, type LockWatcher } from './departures.js';
import { checkPatches } from './patch-check.js';
import { createServerStore, type ServerStore } from './server-store.js';

export interface AuthorityHostOptions {
  app: string;
  version: string;
  logger: Logger;
  report: Report;
  callTimeoutMs: number;
  timers: Timers;
  /** The epoch of every store of this authority's life. @default a random id per store */
  epoch?: string;
  /** Where each store starts, when recovered (a new leader tab, a restarted worker). */
  recovered?: ReadonlyMap<string, StoreRecord>;
  /**
   * Sends each change's calls with its invalidation and the whole ledger with snapshots, so
   * every mirror knows which calls its state holds (what a tab elected later recovers from).
   */
  shareLedger?: boolean;
  /**
   * Resolves when the client holding Web Lock `lock` is gone (its page closed or crashed);
   * its connection is then dropped. @default navigator.locks, when there is one
   */
  watchLock?: LockWatcher;
  /** Told after every flush that changed a store, e.g. to persist it. */
  onFlush?(store: ServerStore): void;
  /** Warns about calls whose patches replaced much more than they changed. @default false */
  development?: boolean;
}

/** The authority of an app: every store's truth, and the links of its clients. */
export interface AuthorityHost {
  addStore(definition: AnyStoreDefinition): ServerStore;
  getStore(name: string): ServerStore | undefined;
  /** Serves one client link; returns a function that drops it. */
  connect(transport: Transport): Unsubscribe;
  /** Serves every link `server` accepts. */
  accept(server: ServerTransport): Unsubscribe;
  /** Runs an action for the authority's own code. */
  call(store: string, action: string, args: readonly unknown[]): Promise<unknown>;
  readonly channel: ServerChannel;
  /** Announces every store's current revision again, for clients that missed the last change. */
  republish(): void;
  /**
   * Sends a direct-channel message to the client `clientId` alone, after the changes of this
   * task (its answer is ignored). False when no such client is connected.
   */
  notify(clientId: string, name: string, payload: unknown): boolean;
  dispose(): void;
}

interface Connection {
  transport: Transport;
  clientId: string | undefined;
  topics: Set<string>;
  /** Results waiting for the flush, so they travel after the invalidation they depend on. */
  outbox: WireMessage[];
  off: Unsubscribe;
  /** Stops watching the client's lock. */
  watching: AbortController;
}

const NO_EPOCH = 'none';

export function createAuthorityHost(options: AuthorityHostOptions): AuthorityHost {
  const { app, version, logger, report } = options;
  const stores = new Map<string, ServerStore>();
  const byTopic = new Map<string, ServerStore>();
  const connections = new Set<Connection>();
  const stopAccepting = new Set<Unsubscribe>();
  /** Stores with changes not flushed yet, in the order they first changed. */
  const changed = new Set<ServerStore>();
  let flushQueued = false;
  let disposed = false;
  let notices = 0;

  const drop = (connection: Connection) => {
    if (!connections.delete(connection)) return;
    connection.off();
    connection.watching.abort();
    direct.forget(connection);
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

  /** Sends what one task changed: one invalidation per store, then the results. */
  const flush = () => {
    flushQueued = false;
    // Only the stores that changed: a flush costs what changed, not how many stores there are.
    const batch = [...changed];
    changed.clear();
    for (const store of batch) {
      const flushed = store.flush();
      if (!flushed) continue;
      const message: LedgerInvalidateMessage = flushed.message;
      if (options.shareLedger && flushed.calls.length > 0) message.calls = flushed.calls;
      // A state shown for time travel is not the truth: it is not kept.
      if (!store.travelling) options.onFlush?.(store);
      for (const connection of connections) {
        // Filter on send: only clients that show this store hear of it.
        if (connection.clientId === undefined || !connection.topics.has(store.topic)) continue;
        trySend(connection, message);
      }
    }
    for (const connection of connections) {
      const { outbox } = connection;
      connection.outbox = [];
      for (const message of outbox) trySend(connection, message);
    }
  };
  const schedule = () => {
    if (flushQueued || disposed) return;
    flushQueued = true;
    queueMicrotask(flush);
  };

  const trySend = (connection: Connection, message: WireMessage) => {
    try {
      send(connection, message);
    } catch (error) {
      logger.error('could not send to a client', { type: message.type, error });
    }
  };

  const direct: DirectChannel<Connection> = createDirectChannel<Connection>({
    send: trySend,
    peers: () => [...connections].filter((c) => c.clientId !== undefined),
    sender: (connection) => ({ clientId: connection.clientId ?? '' }),
    timeoutMs: options.callTimeoutMs,
    timers: options.timers,
    report,
    logger,
  });

  const channel = serverChannel(direct, report, logger);

  const watchDeparture = createDepartureWatcher(options.watchLock, logger);

  const answerPull = (connection: Connection, id: string, topic: string) => {
    const store = byTopic.get(topic);
    try {
      if (!store) {
        throw new StateSyncError(
          'snapshot_failed',
          `store "${topic}" is not on the authority (yet)`,
        );
      }
      const snapshot = store.authority.getSnapshot();
      const reply: LedgerSnapshotMessage = {
        v: PROTOCOL_VERSION,
        type: 'snapshot',
        id,
        topic,
        ...snapshot,
      };
      if (options.shareLedger) reply.calls = store.ledger.entries();
      send(connection, reply);
    } catch (error) {
      trySend(connection, {
        v: PROTOCOL_VERSION,
        type: 'pull-error',
        id,
        topic,
        error: serializeError(error),
      });
    }
  };

  const answerCall = (connection: Connection, message: ServerBound & { type: 'call' }) => {
    const store = byTopic.get(message.topic);
    let reply: WireMessage;
    try {
      if (!store) {
        throw new StateSyncError(
          'invalid_option',
          `store "${message.topic}" is not on the authority`,
        );
      }
      const { value, revision, epoch } = store.run(
        message.action,
        message.args,
        message.id,
        connection.clientId,
      );
      reply = { v: PROTOCOL_VERSION, type: 'result', id: message.id, revision, epoch, value };
    } catch (error) {
      reply = {
        v: PROTOCOL_VERSION,
        type: 'result',
        id: message.id,
        revision: store?.authority.getRevision() ?? '0',
        epoch: store?.authority.getEpoch() ?? NO_EPOCH,
        error: serializeError(error),
      };
    }
    connection.outbox.push(reply);
    schedule();
  };

  const greet = (connection: Connection, message: ServerBound & { type: 'hello' }) => {
    const refusal = checkHello(message, app, version);
    if (refusal) {
      report({ phase: 'connect', error: refusal });
      const error = serializeError(refusal);
      trySend(connection, { v: PROTOCOL_VERSION, type: 'welcome', app, version, error });
      return;
    }
    connection.clientId = message.clientId;
    trySend(connection, { v: PROTOCOL_VERSION, type: 'welcome', app, version });
    if (message.lock !== undefined) {
      watchDeparture(message.lock, connection.watching.signal, () => {
        if (!connections.has(connection)) return;
        logger.debug('a client left without saying bye', { clientId: connection.clientId });
        drop(connection);
      });
    }
  };

  const receive = (connection: Connection, raw: unknown) => {
    let message: ServerBound;
    try {
      message = parseServerBound(raw);
    } catch (error) {
      report({
        phase: 'message',
        error: toStateSyncError(error, 'protocol', 'bad message'),
        message: raw,
      });
      return;
    }
    if (message.type === 'hello') return greet(connection, message);
    if (message.type === 'bye') return drop(connection);
    if (connection.clientId === undefined) {
      const error = new StateSyncError('protocol', `"${message.type}" message before a welcome`);
      report({ phase: 'message', error, message: raw });
      return;
    }
    switch (message.type) {
      case 'subscribe':
        connection.topics.add(message.topic);
        return;
      case 'unsubscribe':
        connection.topics.delete(message.topic);
        return;
      case 'pull':
        return answerPull(connection, message.id, message.topic);
      case 'call':
        return answerCall(connection, message);
      case 'emit':
        return direct.answer(connection, message);
      case 'emit-result':
        return direct.settle(connection, message);
    }
  };

  const connect = (transport: Transport): Unsubscribe => {
    if (disposed) throw new StateSyncError('stopped', 'the authority was disposed');
    const connection: Connection = {
      transport,
      clientId: undefined,
      topics: new Set(),
      outbox: [],
      off: () => {},
      watching: new AbortController(),
    };
    connections.add(connection);
    connection.off = transport.subscribe((raw) => {
      try {
        receive(connection, raw);
      } catch (error) {
        // Never into the transport: a bug here must not break the link.
        logger.error('handling a client message threw', { error });
      }
    });
    return () => drop(connection);
  };

  return {
    channel,
    getStore: (name) => stores.get(name),
    notify(clientId, name, payload) {
      for (const connection of connections) {
        if (connection.clientId !== clientId) continue;
        const id = `notice-${++notices}`;
        connection.outbox.push({ v: PROTOCOL_VERSION, type: 'emit', id, name, payload });
        schedule();
        return true;
      }
      return false;
    },
    republish() {
      for (const store of stores.values()) store.authority.publish();
    },
    addStore(definition) {
      const known = stores.get(definition.name);
      if (known) {
        if (known.definition === definition) return known;
        throw new StateSyncError(
          'invalid_option',
          `two different stores are named "${definition.name}"`,
        );
      }
      const store: ServerStore = createServerStore(
        definition,
        app,
        logger,
        () => {
          changed.add(store);
          schedule();
        },
        options.recovered?.get(definition.name),
        options.epoch,
      );
      stores.set(definition.name, store);
      byTopic.set(store.topic, store);
      if (options.development) store.observe(checkPatches(logger));
      // Clients that loaded this store first asked for it in vain: the next flush tells its
      // subscribers that it is there now, and they pull it.
      store.authority.publish();
      return store;
    },
    connect,
    accept(server) {
      const stop = server.accept((transport) => {
        try {
          connect(transport);
        } catch (error) {
          logger.error('could not serve a client', { error });
        }
      });
      stopAccepting.add(stop);
      return () => {
        stopAccepting.delete(stop);
        stop();
      };
    },
    async call(name, action, args) {
      const store = stores.get(name);
      if (!store)
        throw new StateSyncError('invalid_option', `store "${name}" is not on the authority`);
      assertCloneable(args, `${name}.${action} args`);
      return store.run(action, args).value;
    },
    dispose() {
      if (disposed) return;
      flush();
      disposed = true;
      for (const stop of stopAccepting) stop();
      stopAccepting.clear();
      direct.dispose();
      for (const connection of [...connections]) drop(connection);
    },
  };
}
