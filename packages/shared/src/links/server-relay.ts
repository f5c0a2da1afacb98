import {
  type ConnectionStatus,
  createWebSocketConnection,
  type Logger,
  noopLogger,
  PROTOCOL_VERSION,
  type Subscribable,
  serializeError,
  type Transport,
  type Unsubscribe,
  type WebSocketConnectionOptions,
} from '@statesync/core';
import type { ServerTransport } from '../types.js';
import { checkHello, parseServerBound } from '../wire/parse-message.js';
import type { WireMessage } from '../wire/protocol.js';
import { createSharedWorkerServerTransport } from './shared-worker.js';

export interface ServerRelayOptions
  extends Pick<WebSocketConnectionOptions, 'url' | 'WebSocket' | 'backoff'> {
  /** The app's name, as its windows' `share.name`. */
  app: string;
  /** The app's build version; windows of another version are refused. @default '0' */
  version?: string;
  /** Where the windows connect. @default the `connect` events of this SharedWorker */
  transport?: ServerTransport;
  /** @default noopLogger */
  logger?: Logger;
}

export interface ServerRelay {
  /** The one socket's state: connected, URL, reconnects. */
  readonly status: Subscribable<ConnectionStatus>;
  /** Stops accepting windows and closes the socket; calls in flight fail with `stopped`. */
  stop(): void;
}

interface Page {
  transport: Transport;
  topics: Set<string>;
  off: Unsubscribe;
}

/**
 * Makes this SharedWorker (or any `transport`'s end) the device's single link to a
 * `@statesync/server`: its windows connect to it as to any authority (`share.type:
 * 'SharedWorker'`), and it forwards their pulls and calls over one reconnecting WebSocket and
 * fans each topic's changes out to the windows that subscribed. A call keeps its window's id, so
 * the server's record applies it once, whatever the socket goes through: unanswered calls and
 * pulls are sent again after a reconnect, and each topic resumes from the revision seen last.
 */
export function relayToServer(options: ServerRelayOptions): ServerRelay {
  const { app, version = '0', logger = noopLogger } = options;
  const conn = createWebSocketConnection({
    url: options.url,
    series: 'relay',
    callTimeoutMs: 0,
    logger,
    ...(options.WebSocket && { WebSocket: options.WebSocket }),
    ...(options.backoff && { backoff: options.backoff }),
  });
  const topics = new Map<string, { link: Transport; windows: Set<Page>; off: Unsubscribe }>();
  const pulls = new Map<string, Page>();
  const calls = new Map<string, Promise<WireMessage>>();

  const post = (window: Page, message: unknown) => {
    try {
      window.transport.send(message);
    } catch (error) {
      logger.debug('a window is gone', { error });
    }
  };

  const topicOf = (topic: string) => {
    let entry = topics.get(topic);
    if (entry) return entry;
    const link = conn.transport(topic);
    const windows = new Set<Page>();
    const off = link.subscribe((raw) => {
      const message = raw as { type: string; id?: string };
      if (message.type === 'invalidate') {
        for (const window of windows) post(window, message);
      } else if (message.type === 'snapshot' || message.type === 'pull-error') {
        const window = pulls.get(message.id!);
        pulls.delete(message.id!);
        if (window) post(window, message);
      }
    });
    entry = { link, windows, off };
    topics.set(topic, entry);
    return entry;
  };

  const leaveTopic = (window: Page, topic: string) => {
    window.topics.delete(topic);
    const entry = topics.get(topic);
    if (!entry) return;
    entry.windows.delete(window);
    if (entry.windows.size > 0) return;
    topics.delete(topic);
    entry.off();
    entry.link.close();
  };

  const callOnce = (message: { id: string; topic: string; action: string; args: unknown[] }) => {
    const known = calls.get(message.id);
    if (known) return known;
    const { id, topic, action, args } = message;
    const answer = conn.call(topic, action, args, { id }).then(
      (outcome): WireMessage => ({ v: PROTOCOL_VERSION, type: 'result', id, ...outcome }),
      (error: unknown): WireMessage => ({
        v: PROTOCOL_VERSION,
        type: 'result',
        id,
        revision: '0',
        epoch: 'none',
        error: serializeError(error),
      }),
    );
    calls.set(id, answer);
    void answer.then(() => calls.delete(id));
    return answer;
  };

  const receive = (window: Page, raw: unknown) => {
    const message = parseServerBound(raw);
    switch (message.type) {
      case 'hello': {
        const refused = checkHello(message, app, version);
        post(window, {
          v: PROTOCOL_VERSION,
          type: 'welcome',
          app,
          version,
          ...(refused && { error: serializeError(refused) }),
        });
        if (message.lock) {
          watchDeparture(window, message.lock).catch((error: unknown) => {
            logger.warn('cannot watch a window for departure', { error });
          });
        }
        return;
      }
      case 'subscribe':
        window.topics.add(message.topic);
        topicOf(message.topic).windows.add(window);
        return;
      case 'unsubscribe':
        return leaveTopic(window, message.topic);
      case 'pull':
        pulls.set(message.id, window);
        return topicOf(message.topic).link.send(message);
      case 'call':
        void callOnce(message).then((answer) => post(window, answer));
        return;
      case 'emit':
        post(window, { v: PROTOCOL_VERSION, type: 'emit-result', id: message.id, handled: false });
        return;
      case 'bye':
        return drop(window);
      default:
        return;
    }
  };

  const drop = (window: Page) => {
    window.off();
    for (const topic of [...window.topics]) leaveTopic(window, topic);
    for (const [id, owner] of pulls) if (owner === window) pulls.delete(id);
  };

  /** A window seen holding a Web Lock for its life is gone once the lock is free. */
  const watchDeparture = async (window: Page, lock: string) => {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (!locks) return;
    const { held = [] } = await locks.query();
    if (!held.some((info) => info.name === lock)) return;
    await locks.request(lock, () => drop(window));
  };

  const transport = options.transport ?? createSharedWorkerServerTransport(undefined, logger);
  const stopAccepting = transport.accept((link) => {
    const window: Page = { transport: link, topics: new Set(), off: () => {} };
    window.off = link.subscribe((raw) => {
      try {
        receive(window, raw);
      } catch (error) {
        logger.warn('dropped a message from a window', { error });
      }
    });
  });

  return {
    status: conn.status,
    stop() {
      stopAccepting();
      for (const entry of topics.values()) entry.off();
      topics.clear();
      conn.close();
    },
  };
}
