import { deserializeError, StateSyncError } from './errors.js';
import { noopLogger } from './logger.js';
import { isProtocolMessage, type Message, PROTOCOL_VERSION } from './protocol.js';
import { randomId } from './random.js';
import { compareRevisions, isCanonicalRevision } from './revision.js';
import { createObservable } from './subscribable.js';
import { defaultTimers } from './timers.js';
import type { Epoch, Logger, Revision, Subscribable, Timers, Topic, Transport } from './types.js';
import { createWebSocketTransport, type WebSocketConstructor } from './websocket-transport.js';

export interface WebSocketConnectionOptions {
  /** A statesync server, or several instances of one: each reconnect goes to the next. */
  url: string | readonly string[];
  /** Names this connection's calls, which are `<series>:<n>`. @default a random id */
  series?: string;
  /** @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor;
  /** Reconnect delays: full jitter below a ceiling that doubles from `minMs` to `maxMs`. @default { minMs: 100, maxMs: 5000 } */
  backoff?: { minMs?: number; maxMs?: number };
  /** How long a call may stay unanswered, reconnects included; 0 waits for ever. @default 30000 */
  callTimeoutMs?: number;
  /** @default the platform's timers */
  timers?: Timers;
  /** Draws the reconnect jitter. @default Math.random */
  random?: () => number;
  /** @default noopLogger */
  logger?: Logger;
}

export interface ConnectionStatus {
  /** True while a socket is open. */
  connected: boolean;
  /** The URL of the current (or next) socket. */
  url: string;
  /** How many times the connection was lost and opened again. */
  reconnects: number;
}

/** What a call resolves with: the action's value and the revision (and epoch) it made. */
export interface CallOutcome {
  value: unknown;
  revision: Revision;
  epoch: Epoch;
}

export interface WebSocketConnection {
  readonly series: string;
  /**
   * The messages of one topic, for `createTransportSubscriber` and `createTransportProvider`.
   * The first listener subscribes the topic on the server, from the revision seen last.
   */
  transport(topic: Topic): Transport;
  /**
   * Runs `action` on the server once. Unanswered calls are sent again with the same id after a
   * reconnect, and the server answers a known id from its record instead of running it again.
   * `id` sends it under an id of the caller's (`<series><n>`, e.g. a relayed window's call, or
   * one sent again on purpose); by default the next `<series>:<n>`.
   */
  call(
    topic: Topic,
    action: string,
    args?: readonly unknown[],
    options?: { id?: string },
  ): Promise<CallOutcome>;
  readonly status: Subscribable<ConnectionStatus>;
  /** Closes the socket for good; calls in flight reject with `stopped`. Idempotent. */
  close(): void;
}

interface PendingCall {
  message: Message;
  resolve(outcome: CallOutcome): void;
  reject(error: StateSyncError): void;
  timer: unknown;
}

/**
 * One reconnecting WebSocket to a statesync server for every topic of this page. After a lost
 * socket it backs off, connects again (to the next URL), subscribes each topic from the last
 * revision it saw — the server sends the deltas it still has, or announces its current revision
 * so the engine pulls a snapshot — and re-sends unanswered calls under their ids.
 */
export function createWebSocketConnection(
  options: WebSocketConnectionOptions,
): WebSocketConnection {
  const urls = typeof options.url === 'string' ? [options.url] : [...options.url];
  if (urls.length === 0) throw new StateSyncError('invalid_option', 'url: give at least one URL');
  const series = options.series ?? randomId();
  const timers = options.timers ?? defaultTimers;
  const random = options.random ?? Math.random;
  const logger = options.logger ?? noopLogger;
  const minMs = options.backoff?.minMs ?? 100;
  const maxMs = options.backoff?.maxMs ?? 5000;
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const topics = new Map<Topic, Set<(message: unknown) => void>>();
  const seen = new Map<Topic, { revision: Revision; epoch: Epoch | undefined }>();
  const calls = new Map<string, PendingCall>();
  /** Pulls sent and not answered yet: a lost socket lost them, so they go again. */
  const pulls = new Map<string, unknown>();
  /** Sends made while no socket exists (during a back-off): pulls, mostly. */
  const outbox: unknown[] = [];
  const status = createObservable<ConnectionStatus>({
    connected: false,
    url: urls[0]!,
    reconnects: 0,
  });
  let link: Transport | undefined;
  let index = 0;
  let failures = 0;
  let opened = 0;
  let timer: unknown;
  let closed = false;
  let seq = 0;

  const setStatus = (change: Partial<ConnectionStatus>) =>
    status.set({ ...status.getState(), ...change });

  const sendNow = (message: unknown) => {
    const { type, id } = message as { type?: unknown; id?: unknown };
    if (type === 'pull' && typeof id === 'string' && pulls.size < 1000) pulls.set(id, message);
    if (!link) {
      if (outbox.length < 1000) outbox.push(message);
      return;
    }
    try {
      link.send(message);
    } catch (error) {
      logger.warn('could not send to the server', { error });
    }
  };

  const subscribeMessage = (topic: Topic) => {
    const last = seen.get(topic);
    return {
      v: PROTOCOL_VERSION,
      type: 'subscribe',
      topic,
      ...(last && { revision: last.revision }),
      ...(last?.epoch !== undefined && { epoch: last.epoch }),
    };
  };

  const note = (topic: Topic, revision: unknown, epoch: unknown) => {
    if (!isCanonicalRevision(revision)) return;
    const e = typeof epoch === 'string' ? epoch : undefined;
    const last = seen.get(topic);
    if (!last || last.epoch !== e || compareRevisions(revision, last.revision) > 0) {
      seen.set(topic, { revision, epoch: e });
    }
  };

  const receive = (raw: unknown) => {
    if (!isProtocolMessage(raw)) return;
    const message = raw as Message;
    if (message.type === 'result') {
      const call = calls.get(message.id);
      if (!call) return;
      calls.delete(message.id);
      timers.clearTimeout(call.timer);
      if (message.error !== undefined) call.reject(deserializeError(message.error));
      else call.resolve({ value: message.value, revision: message.revision, epoch: message.epoch });
      return;
    }
    if (!('topic' in message) || typeof message.topic !== 'string') return;
    if (message.type === 'invalidate' || message.type === 'snapshot') {
      note(message.topic, message.revision, message.epoch);
    }
    if (message.type === 'snapshot' || message.type === 'pull-error') pulls.delete(message.id);
    for (const listener of [...(topics.get(message.topic) ?? [])]) listener(message);
  };

  const connect = () => {
    if (closed) return;
    const url = urls[index % urls.length]!;
    setStatus({ url });
    let mine: Transport | undefined;
    const lost = (reason: string) => {
      if (link !== mine || closed) return;
      link = undefined;
      setStatus({ connected: false });
      index += 1;
      const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(failures, 20));
      failures += 1;
      const delay = Math.round(random() * ceiling);
      logger.info('lost the server; connecting again', { reason, delayMs: delay });
      timer = timers.setTimeout(connect, delay);
    };
    mine = createWebSocketTransport({
      url,
      ...(options.WebSocket && { WebSocket: options.WebSocket }),
      onOpen: () => {
        if (link !== mine) return;
        failures = 0;
        opened += 1;
        setStatus({ connected: true, reconnects: opened - 1 });
      },
      onClose: lost,
    });
    link = mine;
    mine.subscribe(receive);
    // Queued by the transport until the socket opens, in this order.
    for (const topic of topics.keys()) sendNow(subscribeMessage(topic));
    const queued = new Set(outbox.splice(0));
    for (const pull of pulls.values()) queued.add(pull);
    for (const message of queued) sendNow(message);
    for (const call of calls.values()) sendNow(call.message);
  };

  const stop = (error: StateSyncError) => {
    for (const [id, call] of calls) {
      calls.delete(id);
      timers.clearTimeout(call.timer);
      call.reject(error);
    }
  };

  connect();

  return {
    series,
    status: { getState: status.getState, subscribe: status.subscribe },
    transport(topic) {
      let open = true;
      const mine = new Set<(message: unknown) => void>();
      return {
        send(message) {
          if (!open || closed) throw new StateSyncError('stopped', 'the transport is closed');
          sendNow(message);
        },
        subscribe(listener) {
          let set = topics.get(topic);
          if (!set) {
            set = new Set();
            topics.set(topic, set);
            sendNow(subscribeMessage(topic));
          }
          set.add(listener);
          mine.add(listener);
          return () => {
            mine.delete(listener);
            set.delete(listener);
            if (set.size === 0 && topics.get(topic) === set) {
              topics.delete(topic);
              if (!closed) sendNow({ v: PROTOCOL_VERSION, type: 'unsubscribe', topic });
            }
          };
        },
        close() {
          open = false;
          for (const listener of [...mine]) topics.get(topic)?.delete(listener);
          mine.clear();
        },
      };
    },
    call(topic, action, args = [], { id = `${series}:${++seq}` } = {}) {
      if (closed) return Promise.reject(new StateSyncError('stopped', 'the connection is closed'));
      if (calls.has(id)) {
        return Promise.reject(new StateSyncError('invalid_option', `call ${id} is in flight`));
      }
      const message = {
        v: PROTOCOL_VERSION,
        type: 'call',
        id,
        topic,
        action,
        args: [...args],
      } as Message;
      return new Promise<CallOutcome>((resolve, reject) => {
        const timer =
          callTimeoutMs > 0
            ? timers.setTimeout(() => {
                calls.delete(id);
                reject(
                  new StateSyncError(
                    'timeout',
                    `${topic}.${action}: no answer in ${callTimeoutMs} ms`,
                  ),
                );
              }, callTimeoutMs)
            : undefined;
        calls.set(id, { message, resolve, reject, timer });
        sendNow(message);
      });
    },
    close() {
      if (closed) return;
      closed = true;
      timers.clearTimeout(timer);
      const last = link;
      link = undefined;
      last?.close();
      setStatus({ connected: false });
      stop(new StateSyncError('stopped', 'the connection was closed'));
    },
  };
}
