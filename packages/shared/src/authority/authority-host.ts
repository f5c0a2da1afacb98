import {
  assertCloneable,
  deserializeError,
  isStateSyncError,
  type Logger,
  PROTOCOL_VERSION,
  StateSyncError,
  type Timers,
  type Transport,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core';
import type { StoreRecord } from '../store/store-record.js';
import type { AnyStoreDefinition, ServerChannel, ServerTransport } from '../types.js';
import { createDirectChannel, type DirectChannel, serverChannel } from '../wire/direct-channel.js';
import { parseServerBound, type ServerBound } from '../wire/parse-message.js';
import type { LedgerEntry, LedgerInvalidateMessage, WireMessage } from '../wire/protocol.js';
import type { Report } from '../wire/report.js';
import { toWireError } from '../wire/wire-error.js';
import { answerPull } from './answer-pull.js';
import { type Connection, createConnections } from './connections.js';
import type { LockWatcher } from './departures.js';
import { checkPatches } from './patch-check.js';
import { createPullQueue } from './pull-queue.js';
import { recoveredCopy } from './recovered-copy.js';
import { type CarryCheck, jsonCarry } from './run-action.js';
import { assertSafeArgs } from './safe-args.js';
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
  /**
   * Where each store starts, when recovered (a new leader tab, a restarted worker). A copy that
   * is not a valid record of its store is reported and skipped: the store starts from `state()`.
   */
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
  /**
   * A link that no held Web Lock vouches for and that is silent this long is asked whether it
   * is still there (a few times), and dropped once it has been silent twice as long.
   * @default 30000
   */
  silentLinkMs?: number;
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

const NO_EPOCH = 'none';
type ClientCall = { connection: Connection; id: string };

const unknownStore = (name: string) =>
  new StateSyncError('invalid_option', `store "${name}" is not on the authority`);

export function createAuthorityHost(options: AuthorityHostOptions): AuthorityHost {
  const { app, version, logger, report } = options;
  const stores = new Map<string, ServerStore>();
  const byTopic = new Map<string, ServerStore>();
  const stopAccepting = new Set<Unsubscribe>();
  /** Stores with changes not flushed yet, in the order they first changed. */
  const changed = new Set<ServerStore>();
  /** What every change and result must pass: what the strictest medium served can carry. */
  let carry: CarryCheck = assertCloneable;
  let flushQueued = false;
  let disposed = false;
  let notices = 0;

  const links = createConnections({
    app,
    version,
    logger,
    report,
    timers: options.timers,
    watchLock: options.watchLock,
    silentMs: options.silentLinkMs ?? 30_000,
    isTopic: (topic) => byTopic.has(topic),
    receive: (connection, raw) => receive(connection, raw),
    onDrop: (connection) => direct.forget(connection),
  });
  const { trySend } = links;
  const pulls = createPullQueue();
  /**
   * The callers of this task's optimistic calls (the client shows its guess of them), by call
   * id: each hears which change holds its own calls, with the invalidation that carries it.
   */
  const guessed = new Map<string, Connection>();

  /** Sends what one task changed: one invalidation per store, then the results. */
  const flush = () => {
    flushQueued = false;
    links.sweep();
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
      const applied = guessed.size > 0 ? appliedBy(flushed.calls) : undefined;
      for (const connection of links.all()) {
        // Filter on send: only clients that show this store hear of it.
        if (connection.clientId === undefined || !connection.topics.has(store.topic)) continue;
        const own = applied?.get(connection);
        trySend(connection, own ? { ...message, applied: own } : message);
      }
    }
    guessed.clear();
    for (const connection of links.all()) {
      const { outbox } = connection;
      connection.outbox = [];
      for (const message of outbox) trySend(connection, message);
    }
  };
  /** The optimistic calls among `calls`, by the connection that made them. */
  const appliedBy = (calls: readonly LedgerEntry[]) => {
    const byConnection = new Map<Connection, string[]>();
    for (const [id] of calls) {
      const connection = guessed.get(id);
      if (!connection) continue;
      const ids = byConnection.get(connection);
      if (ids) ids.push(id);
      else byConnection.set(connection, [id]);
    }
    return byConnection;
  };
  const schedule = () => {
    if (flushQueued || disposed) return;
    flushQueued = true;
    queueMicrotask(flush);
  };

  const direct: DirectChannel<Connection> = createDirectChannel<Connection>({
    send: trySend,
    peers: links.welcomed,
    sender: (connection) => ({ clientId: connection.clientId ?? '' }),
    timeoutMs: options.callTimeoutMs,
    timers: options.timers,
    report,
    logger,
  });

  const channel = serverChannel(direct, report, logger);

  /** Runs a call of a client (`from`: its link and call id) or of the authority's own code. */
  const run = (name: string, action: string, args: readonly unknown[], from?: ClientCall) => {
    const store = stores.get(name);
    if (!store) throw unknownStore(name);
    assertSafeArgs(args, `${name}.${action} args`);
    return store.run(action, args, from?.id, from?.connection.clientId);
  };

  const answerCall = (connection: Connection, message: ServerBound & { type: 'call' }) => {
    const store = byTopic.get(message.topic);
    let reply: WireMessage;
    try {
      if (!store) throw unknownStore(message.topic);
      const { action, args, id } = message;
      if (message.optimistic === true) guessed.set(id, connection);
      const { value, revision, epoch } = run(store.definition.name, action, args, {
        connection,
        id,
      });
      reply = { v: PROTOCOL_VERSION, type: 'result', id: message.id, revision, epoch, value };
    } catch (error) {
      reply = {
        v: PROTOCOL_VERSION,
        type: 'result',
        id: message.id,
        revision: store?.authority.getRevision() ?? '0',
        epoch: store?.authority.getEpoch() ?? NO_EPOCH,
        error: toWireError(error),
      };
    }
    connection.outbox.push(reply);
    schedule();
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
    if (message.type === 'hello') return links.greet(connection, message);
    if (message.type === 'bye') return links.drop(connection);
    if (connection.clientId === undefined) {
      const error = new StateSyncError('protocol', `"${message.type}" message before a welcome`);
      report({ phase: 'message', error, message: raw });
      return;
    }
    switch (message.type) {
      case 'subscribe':
        return links.subscribe(connection, message.topic);
      case 'unsubscribe':
        connection.topics.delete(message.topic);
        return;
      case 'pull':
        return pulls.push(() => {
          if (!links.all().has(connection)) return; // gone while the pull waited
          const { id, topic } = message;
          const shareLedger = options.shareLedger ?? false;
          answerPull(links, connection, { id, topic, store: byTopic.get(topic), shareLedger });
        });
      case 'call':
        return answerCall(connection, message);
      case 'emit':
        return direct.answer(connection, message);
      case 'emit-result':
        return direct.settle(connection, message);
    }
  };

  const connect = (transport: Transport, medium?: Connection['medium']): Unsubscribe => {
    if (disposed) throw new StateSyncError('stopped', 'the authority was disposed');
    const connection = links.open(transport, medium);
    return () => links.drop(connection);
  };

  return {
    channel,
    getStore: (name) => stores.get(name),
    notify(clientId, name, payload) {
      const id = `notice-${++notices}`;
      const queued = links.queue(clientId, {
        v: PROTOCOL_VERSION,
        type: 'emit',
        id,
        name,
        payload,
      });
      if (queued) schedule();
      return queued;
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
        recoveredCopy(definition, options.recovered, report),
        options.epoch,
        (value, path) => carry(value, path),
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
      if (server.medium === 'json') carry = jsonCarry;
      const stop = server.accept((transport) => {
        try {
          connect(transport, server.medium);
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
      try {
        assertCloneable(args, `${name}.${action} args`);
        return run(name, action, args).value;
      } catch (error) {
        // As a client would hear it: what the action threw is a `remote` error.
        throw isStateSyncError(error) ? error : deserializeError(toWireError(error));
      }
    },
    dispose() {
      if (disposed) return;
      flush();
      disposed = true;
      for (const stop of stopAccepting) stop();
      stopAccepting.clear();
      direct.dispose();
      pulls.stop();
      links.dispose();
    },
  };
}
