/**
 * What the window and worker transports share. A page that wants a link makes a
 * `MessageChannel`, keeps one end and posts the other to the authority's side in a connect
 * message; both ends then speak through that port, as a SharedWorker's pages do. The connect
 * message is the only thing posted to the window or worker itself.
 */
import {
  createMessagePortTransport,
  createTransportEnd,
  type Logger,
  noopLogger,
  PROTOCOL_VERSION,
  randomId,
  StateSyncError,
  type Transport,
  type TransportEnd,
} from '@statesync/core';
import { DEFAULT_LINK_NAME, linkLock } from '../wire/names.js';

/** Marks a connect message among everything else posted to a window. */
export const CONNECT = 'statesync:connect';

/** The first and only message a page posts to the window or worker; its port travels with it. */
export interface ConnectMessage {
  type: typeof CONNECT;
  v: typeof PROTOCOL_VERSION;
  /** Pairs the page with the server transport of the same name. */
  name: string;
  /** A Web Lock the page holds while the link lives (window links). */
  lock?: string;
}

/** What the transports need of `navigator.locks`; a stand-in in tests. */
export interface LockRequester {
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: () => unknown,
  ): Promise<unknown>;
  /** Used, where there is one, to watch only a lock this side can see held. */
  query?(): Promise<{ held?: { name?: string }[] }>;
}

/** A window or a worker's global scope: where connect messages arrive. */
export interface MessageEventTarget {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export function defaultLocks(): LockRequester | undefined {
  return (globalThis as { navigator?: { locks?: LockRequester } }).navigator?.locks;
}

export function checkLinkName(name: unknown): string {
  if (name === undefined) return DEFAULT_LINK_NAME;
  if (typeof name !== 'string' || name === '') {
    throw new StateSyncError('invalid_option', 'name must be a non-empty string');
  }
  return name;
}

/** Whether a posted message is meant for statesync at all: other code posts to windows too. */
export function isConnectMessage(data: unknown): data is { type: typeof CONNECT; name?: unknown } {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === CONNECT;
}

/** The port and lock of a connect message, or why it is malformed. */
export function readConnect(
  event: MessageEvent,
): { port: MessagePort; lock: string | undefined } | string {
  const { v, lock } = event.data as Partial<ConnectMessage>;
  if (v !== PROTOCOL_VERSION) return `unsupported version ${JSON.stringify(v)}`;
  if (lock !== undefined && (typeof lock !== 'string' || lock === '')) return 'bad lock name';
  const ports = event.ports ?? [];
  const port = ports[0];
  if (ports.length !== 1 || !port) return `it must carry one MessagePort, not ${ports.length}`;
  return { port, lock };
}

/**
 * The page's end of a link: makes a channel, posts its other end with `post`, and is a
 * MessagePort transport on the end it keeps. Given `locks`, it first takes a Web Lock of its
 * own, named in the connect message and held until `close()` or until the page goes away, so
 * that the other side can tell when it is gone.
 */
export function openLink(
  post: (message: ConnectMessage, port: MessagePort) => void,
  {
    name,
    logger = noopLogger,
    locks,
  }: { name: string; logger?: Logger; locks?: LockRequester | undefined },
): Transport {
  const { port1, port2 } = new MessageChannel();
  const inner = createMessagePortTransport(port1, { logger });
  const abort = new AbortController();
  let release: (() => void) | undefined;
  let posted = false;
  let closed = false;

  const connect = (lock?: string) => {
    posted = true;
    const message: ConnectMessage = { type: CONNECT, v: PROTOCOL_VERSION, name };
    if (lock !== undefined) message.lock = lock;
    post(message, port2);
  };

  if (!locks) {
    connect();
  } else {
    const lock = linkLock(randomId());
    const held = () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        release = resolve;
        try {
          connect(lock);
        } catch (error) {
          logger.error('could not post the connect message', { error });
        }
      });
    // Messages sent meanwhile wait in the port and travel with it.
    locks.request(lock, { signal: abort.signal }, held).catch((error: unknown) => {
      if (closed || posted) return;
      // No locks here after all (an opaque origin): connect without one.
      logger.debug('connecting without a Web Lock', { error });
      try {
        connect();
      } catch (thrown) {
        logger.error('could not post the connect message', { error: thrown });
      }
    });
  }

  return {
    send: (message) => inner.send(message),
    subscribe: (listener) => inner.subscribe(listener),
    close() {
      if (closed) return;
      closed = true;
      abort.abort();
      release?.();
      inner.close();
      if (!posted) port2.close();
    },
  };
}

/** The authority's side: the links it serves, counted, each closed once. */
export interface LinkServer {
  /**
   * A transport over `port`. Given `lock`, it watches that Web Lock: when it is free the page is
   * gone, and the transport tells its listeners so with a `bye`, as if the page had said it,
   * then closes.
   */
  serve(port: MessagePort, lock: string | undefined): Transport;
  count(): number;
  /**
   * Hands `target`'s messages to `onMessage` until the returned function is called. One
   * authority at a time: a second listener would take every link twice.
   */
  listen(target: MessageEventTarget, onMessage: (event: MessageEvent) => void): () => void;
}

const BYE = { v: PROTOCOL_VERSION, type: 'bye' } as const;

export function createLinkServer(logger: Logger, locks: LockRequester | undefined): LinkServer {
  const open = new Set<Transport>();
  let listening = false;
  return {
    count: () => open.size,
    listen(target, onMessage) {
      if (listening) {
        throw new StateSyncError(
          'invalid_option',
          'this server transport already accepts links for an authority',
        );
      }
      listening = true;
      target.addEventListener('message', onMessage);
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        listening = false;
        target.removeEventListener('message', onMessage);
      };
    },
    serve(port, lock) {
      // A MessagePort end that also hears the page go away: its lock came free.
      const inner = createMessagePortTransport(port, { logger });
      const watching = new AbortController();
      const end: TransportEnd = createTransportEnd({
        name: 'page link',
        logger,
        farewell: { ...BYE },
        post: (message) => inner.send(message),
        listen: () => inner.subscribe(end.deliver),
        release() {
          open.delete(end.transport);
          watching.abort();
          inner.close();
        },
      });
      const gone = () => {
        if (end.state() === 'open') logger.debug('a linked page is gone', { lock });
        end.gone();
      };
      open.add(end.transport);
      if (lock !== undefined && locks) watch(lock, locks, watching.signal, gone, logger);
      return end.transport;
    },
  };
}

/**
 * Calls `gone` once the lock is free. A lock this side cannot see held lives in another
 * origin's or storage partition's lock space, where taking it says nothing: it is not watched.
 */
function watch(
  lock: string,
  locks: LockRequester,
  signal: AbortSignal,
  gone: () => void,
  logger: Logger,
): void {
  const visible = locks.query
    ? locks.query().then((state) => state.held?.some((held) => held.name === lock) === true)
    : Promise.resolve(true);
  visible
    .then((seen) => {
      if (!seen || signal.aborted) return;
      return locks.request(lock, { signal }, () => undefined).then(gone);
    })
    .catch((error: unknown) => {
      if (!signal.aborted) logger.warn('cannot watch a linked page', { error });
    });
}
