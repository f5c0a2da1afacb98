import {
  createPullClient,
  createRevisionSync,
  deserializeError,
  type InvalidationEvent,
  type Logger,
  PROTOCOL_VERSION,
  type RevisionSyncHandle,
  randomId,
  type SnapshotProvider,
  StateSyncError,
  serializeError,
  type Timers,
  type Transport,
  tagLogger,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core';
import { kindOf } from '../store/store-record.js';
import type { AnyStoreDefinition, ClientChannel } from '../types.js';
import { createDirectChannel } from '../wire/direct-channel.js';
import { JSON_TEXT } from '../wire/json-text.js';
import { topicOf } from '../wire/names.js';
import { type ClientBound, parseClientBound } from '../wire/parse-message.js';
import type { WireMessage } from '../wire/protocol.js';
import type { Report } from '../wire/report.js';
import { type CallTarget, createCallTracker, type HandedCall } from './call-tracker.js';
import { checkCall } from './check-call.js';
import { createIncomingCheck } from './check-incoming.js';
import { clientChannel } from './client-channel.js';
import type { Mirror } from './mirror.js';
import { mirrorApplier } from './mirror-applier.js';
import { createResumeProbes } from './resume-probes.js';

export interface SharedClientOptions {
  app: string;
  version: string;
  /** This app instance's id; it stays the same when the app moves to another authority. */
  clientId: string;
  /** The link to the authority; the client owns it from now on and closes it in `dispose`. */
  transport: Transport;
  logger: Logger;
  report: Report;
  callTimeoutMs: number;
  /** How long to wait for the authority's welcome. */
  startTimeoutMs: number;
  timers: Timers;
  /** A Web Lock this app holds for its life, named in the hello so the authority can watch it. */
  lock?: string;
  /** Calls in flight on the previous link: sent again, with their ids, once welcomed. */
  inherited?: readonly HandedCall[];
  /**
   * Whether calls of a store's `optimistic` actions show their guess at once. Not where the
   * authority runs in the same page: its answer is as quick. @default true
   */
  optimistic?: boolean;
}

/** A client's link to its authority: the handshake, one revision engine per store, calls. */
export interface SharedClient {
  /**
   * Resolves on the authority's welcome; rejects when refused or when it never answers (the
   * caller decides whether that is an error or a reason to fall back).
   */
  readonly connected: Promise<void>;
  /**
   * Subscribes to a store and syncs `mirror` with it. `started` resolves once connected and the
   * first pull is done (a failed pull goes to `onError`), and rejects when the client is refused.
   */
  addStore(
    definition: AnyStoreDefinition,
    mirror: Mirror<object>,
  ): { engine: RevisionSyncHandle; started: Promise<void> };
  call(store: string, action: string, args: readonly unknown[]): Promise<unknown>;
  readonly channel: ClientChannel;
  /**
   * Leaves this link for another one: stops syncing and returns the calls in flight (to pass
   * as `inherited` to the next client) instead of rejecting them.
   */
  handOver(): HandedCall[];
  dispose(): Promise<void>;
}

interface ClientStore extends CallTarget {
  definition: AnyStoreDefinition;
  mirror: Mirror<object>;
  started: Promise<void>;
  onEvent: ((event: InvalidationEvent) => void) | undefined;
}

const AUTHORITY = 'authority';

export function createSharedClient(options: SharedClientOptions): SharedClient {
  const { app, version, clientId, transport, logger, report, timers } = options;
  // Per link, not per app: call ids must never repeat, since an authority that recovered the
  // ledger of an earlier link answers a known id from it instead of running the call.
  const prefix = `${clientId.slice(0, 8)}.${randomId().slice(0, 8)}`;
  const stores = new Map<string, ClientStore>();
  const byTopic = new Map<string, ClientStore>();
  let welcomed = false;
  let disposed = false;
  /** Inherited calls, by store, until that store is added here. */
  const inherited = new Map<string, HandedCall[]>();
  for (const call of options.inherited ?? []) {
    inherited.set(call.store, [...(inherited.get(call.store) ?? []), call]);
  }
  let counter = 0;
  /** The stores whose guesses hear every result: not every store, on each call's answer. */
  const guessing: ClientStore[] = [];

  const send = (message: WireMessage) => transport.send(message);
  const trySend = (message: WireMessage) => {
    try {
      send(message);
    } catch (error) {
      logger.error('could not send to the authority', { type: message.type, error });
    }
  };

  let welcome!: () => void;
  let refuse!: (error: StateSyncError) => void;
  const connected = new Promise<void>((resolve, reject) => {
    welcome = resolve;
    refuse = reject;
  });
  // Whoever awaits it hears the failure; nobody awaiting it is no unhandled rejection.
  connected.catch(() => {});
  let gaveUp = false;
  const startTimer = timers.setTimeout(() => {
    // A welcome that comes later is ignored: the caller has moved on (fallen back, or failed).
    gaveUp = true;
    const error = new StateSyncError(
      'timeout',
      `no welcome from the authority of "${app}" within ${options.startTimeoutMs} ms`,
    );
    refuse(error);
  }, options.startTimeoutMs);

  const incoming = createIncomingCheck();
  const probes = createResumeProbes(trySend);
  const pulls = createPullClient(
    (message) => {
      incoming.sent(message);
      send(message);
    },
    { nextId: () => `${prefix}-p${++counter}` },
  );
  const calls = createCallTracker(timers, options.callTimeoutMs);
  const direct = createDirectChannel<typeof AUTHORITY>({
    send: (_peer, message) => send(message),
    peers: () => (welcomed && !disposed ? [AUTHORITY] : []),
    sender: () => ({ clientId: AUTHORITY }),
    timeoutMs: options.callTimeoutMs,
    timers,
    report,
    logger,
  });

  const onWelcome = (message: ClientBound & { type: 'welcome' }) => {
    if (welcomed || gaveUp) return;
    timers.clearTimeout(startTimer);
    if (message.error !== undefined) {
      refuse(deserializeError(message.error));
      return;
    }
    welcomed = true;
    probes.welcomed(message);
    welcome();
    for (const call of [...inherited.values()].flat()) {
      call.reject(new StateSyncError('invalid_option', `store "${call.store}" is not loaded here`));
    }
    inherited.clear();
  };

  const receive = (raw: unknown) => {
    let message: ClientBound;
    try {
      message = parseClientBound(raw);
    } catch (thrown) {
      const error = toStateSyncError(thrown, 'protocol', 'bad message');
      report({ phase: 'message', error, message: raw });
      // A malformed answer to a call fails that call now, rather than at its timeout.
      const { type, id } = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<
        string,
        unknown
      >;
      if (type === 'result' && typeof id === 'string') calls.fail(id, error);
      return;
    }
    switch (message.type) {
      case 'welcome':
        return onWelcome(message);
      case 'subscribed':
        return probes.subscribed(message);
      case 'invalidate': {
        const refused = incoming.invalidation(message);
        if (refused) return report({ phase: 'message', error: refused, message: raw });
        // Handed on as it came: the engine reads an event's own fields only, into one of its own.
        const store = byTopic.get(message.topic);
        const { calls, applied } = message;
        if (calls) store?.mirror.ledger.expect(message.epoch, message.revision, calls);
        // Before the engine applies the delta: the guesses it holds go in the same apply.
        if (applied) store?.mirror.guesses?.landed(message.epoch, message.revision, applied);
        store?.onEvent?.(message);
        return;
      }
      case 'snapshot': {
        const store = byTopic.get(message.topic);
        const refused = incoming.snapshot(message, store && kindOf(store.mirror.getState()));
        if (refused) {
          // The pull fails now (the engine reports it and tries again); nothing is applied.
          const { id, topic } = message;
          const error = serializeError(refused);
          return pulls.answer({ v: PROTOCOL_VERSION, type: 'pull-error', id, topic, error });
        }
        if (message.calls) {
          const { ledger } = byTopic.get(message.topic)?.mirror ?? {};
          ledger?.expectWhole(message.epoch, message.revision, message.calls, message.live);
        }
        return pulls.answer(message);
      }
      case 'pull-error':
        return pulls.answer(message);
      case 'result':
        for (const store of guessing) store.mirror.guesses?.answered(message);
        return calls.answer(message);
      case 'emit':
        return direct.answer(AUTHORITY, message);
      case 'emit-result':
        return direct.settle(AUTHORITY, message);
    }
  };

  const offTransport: Unsubscribe = transport.subscribe((raw) => {
    try {
      receive(raw);
    } catch (error) {
      logger.error('handling a message from the authority threw', { error });
    }
  });
  trySend({
    v: PROTOCOL_VERSION,
    type: 'hello',
    app,
    version,
    clientId,
    encodings: [JSON_TEXT],
    ...(options.lock !== undefined && { lock: options.lock }),
  });

  const sendCall = (id: string, store: ClientStore, action: string, args: readonly unknown[]) => {
    const message: WireMessage = {
      v: PROTOCOL_VERSION,
      type: 'call',
      id,
      topic: store.topic,
      action,
      args: [...args],
      optimistic: store.mirror.guesses?.has(id),
    };
    const sendNow = () => {
      try {
        send(message);
      } catch (error) {
        const why = `${store.name}.${action} could not be sent`;
        calls.fail(id, toStateSyncError(error, 'stopped', why));
      }
    };
    // Sent at once when connected, so several calls in one task reach the authority together.
    if (welcomed) sendNow();
    else connected.then(sendNow, (error: StateSyncError) => calls.fail(id, error));
  };

  const stop = async (error: StateSyncError) => {
    if (disposed) return;
    disposed = true;
    timers.clearTimeout(startTimer);
    refuse(error);
    // The engines first: they know they are stopping and do not report the pulls cut short.
    const engines = Promise.all([...stores.values()].map((store) => store.engine.stop()));
    calls.cancelAll(error);
    pulls.cancelAll(error);
    direct.dispose();
    if (welcomed) trySend({ v: PROTOCOL_VERSION, type: 'bye' });
    await engines;
    offTransport();
    transport.close();
  };

  const channel = clientChannel(direct, connected);

  return {
    connected,
    channel,
    addStore(definition, mirror) {
      const known = stores.get(definition.name);
      if (known) return { engine: known.engine, started: known.started };
      const topic = topicOf(app, definition.name);
      const store: ClientStore = {
        name: definition.name,
        topic,
        definition,
        mirror,
        onEvent: undefined,
        started: Promise.resolve(),
        announce: (event) => store.onEvent?.(event),
        engine: createRevisionSync<object>({
          topic,
          subscriber: {
            subscribe(handler) {
              store.onEvent = handler;
              return () => {
                store.onEvent = undefined;
              };
            },
          },
          // The engine validates the envelope; the data is whatever the authority holds.
          provider: probes.provider(topic, mirror.ledger, pulls as SnapshotProvider<object>),
          applier: mirrorApplier(mirror),
          logger: tagLogger(logger, { store: definition.name }),
          onError: (context) =>
            report({ phase: 'sync', error: context.error, store: definition.name, sync: context }),
          timeoutMs: options.callTimeoutMs,
          timers,
        }),
      };
      // A store with optimistic actions loads their code (and mutative) now; from `ready` on,
      // their calls show at once. Without it they still run, on the authority only.
      let guessCode: Promise<unknown> | undefined;
      if (definition.optimistic && options.optimistic !== false) {
        guessCode = import('../optimistic/guesses.js').then(
          (code) => {
            code.attachGuesses(definition, mirror, logger);
            guessing.push(store);
          },
          (error: unknown) => logger.warn('could not load the optimistic code', { error }),
        );
      }
      store.started = connected.then(() => {
        if (disposed) throw new StateSyncError('stopped', 'the client was disposed');
        const starting = probes.start(store.topic, store.mirror.ledger, store.engine);
        return guessCode ? Promise.all([starting, guessCode]).then(() => {}) : starting;
      });
      store.started.catch(() => {}); // the app awaits it; not awaiting it is no unhandled rejection
      stores.set(definition.name, store);
      byTopic.set(topic, store);
      for (const call of inherited.get(definition.name) ?? []) {
        calls.adopt(call, store);
        sendCall(call.id, store, call.action, call.args);
      }
      inherited.delete(definition.name);
      return { engine: store.engine, started: store.started };
    },
    call(name, action, args) {
      const store = stores.get(name);
      try {
        if (disposed) throw new StateSyncError('stopped', 'the client was disposed');
        if (!store)
          throw new StateSyncError('invalid_option', `store "${name}" is not loaded here`);
        checkCall(store.definition, action, args);
      } catch (error) {
        return Promise.reject(error);
      }
      const id = `${prefix}-c${++counter}`;
      const result = calls.track(id, store, action, args);
      store.mirror.guesses?.add(id, action, args, result);
      sendCall(id, store, action, args);
      return result;
    },
    handOver() {
      const handed = calls.handOver();
      void stop(new StateSyncError('stopped', 'the client moved to another authority'));
      return handed;
    },
    dispose: () => stop(new StateSyncError('stopped', 'the client was disposed')),
  };
}
