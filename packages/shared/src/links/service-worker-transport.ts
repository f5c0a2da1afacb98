import {
  createTransportEnd,
  type Logger,
  noopLogger,
  PROTOCOL_VERSION,
  randomId,
  type Unsubscribe,
} from '@statesync/core';
import type { ServerTransport } from '../types.js';
import { DEFAULT_LINK_NAME } from '../wire/names.js';
import { checkScope } from './check-scope.js';

/**
 * A service worker is stopped by the browser when idle and started again by the next event,
 * losing every object it held, MessagePorts included. So there are no ports here: a page posts
 * each message to the worker itself (which wakes it), and the worker answers the page's
 * `Client`. Every message is wrapped in an envelope naming the channel, the page's link and the
 * worker's boot, so that each side can tell a restart apart from a message.
 */
export interface ServiceWorkerEnvelope {
  /** The channel: only envelopes of this app's channel are read. */
  statesync: string;
  kind: 'message' | 'restarted' | 'reconnect';
  /** The page's link: a page makes a new one every time it connects. */
  link?: string;
  /** The worker's boot: a new one every time the script starts. */
  boot?: string;
  data?: unknown;
}

export function isEnvelope(value: unknown, channel: string): value is ServiceWorkerEnvelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as ServiceWorkerEnvelope).statesync === channel
  );
}

/** A page as a service worker sees it: `event.source`, or one of `clients.matchAll()`. */
export interface ClientLike {
  readonly id: string;
  postMessage(message: unknown): void;
}

/** The global scope of a service worker (`self`), or a stand-in. */
export interface ServiceWorkerScopeLike {
  addEventListener(type: 'message' | 'activate', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'activate', listener: (event: Event) => void): void;
  readonly clients: {
    matchAll(options: {
      includeUncontrolled: boolean;
      type: 'window' | 'all';
    }): Promise<readonly ClientLike[]>;
    claim(): Promise<void>;
  };
}

interface ExtendableMessageEventLike {
  readonly data: unknown;
  readonly source: unknown;
  waitUntil?(promise: Promise<unknown>): void;
}

export interface ServiceWorkerServerOptions {
  /** Names this app's messages among others the worker and its pages exchange. @default 'statesync' */
  channel?: string;
  /**
   * Take control of open pages as soon as the worker activates (`clients.claim()`), so a page
   * loaded before the worker was installed is controlled without a reload. @default true
   */
  claim?: boolean;
  /** Told about listeners that throw and pages that could not be reached. @default noopLogger */
  logger?: Logger;
}

const isClient = (source: unknown): source is ClientLike =>
  typeof source === 'object' &&
  source !== null &&
  typeof (source as ClientLike).id === 'string' &&
  typeof (source as ClientLike).postMessage === 'function';

const typeOf = (data: unknown) =>
  typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;

/**
 * The authority's side inside a service worker: a client link per page link, made by that
 * link's `hello`. Create it (and the app) at the top level of the worker script, so that the
 * message that woke a stopped worker finds its listener. On start it tells the open pages it
 * (re)started, and answers a message from a link it does not know with `reconnect`: either way
 * their connectors report the link lost, and the app says hello again and resyncs.
 */
export function createServiceWorkerServerTransport(
  scope: ServiceWorkerScopeLike = globalThis as unknown as ServiceWorkerScopeLike,
  options: ServiceWorkerServerOptions = {},
): ServerTransport {
  checkScope('ServiceWorker', scope);
  const channel = options.channel ?? DEFAULT_LINK_NAME;
  const logger = options.logger ?? noopLogger;
  const boot = randomId();
  const post = (client: ClientLike, envelope: Omit<ServiceWorkerEnvelope, 'statesync' | 'boot'>) =>
    client.postMessage({ statesync: channel, boot, ...envelope } satisfies ServiceWorkerEnvelope);

  return {
    accept(onConnection): Unsubscribe {
      const links = new Map<
        string,
        { clientId: string; deliver(message: unknown): void; gone(): void }
      >();
      const keyOf = (clientId: string, link: string) => `${clientId} ${link}`;

      const open = (client: ClientLike, link: string) => {
        const key = keyOf(client.id, link);
        let leaving = false;
        const end = createTransportEnd<unknown>({
          name: 'page link',
          logger,
          farewell: { v: PROTOCOL_VERSION, type: 'bye' },
          post: (message) => post(client, { kind: 'message', link, data: message }),
          release(why) {
            links.delete(key);
            // Dropped by the authority rather than left by the page: let the page connect again.
            if (why === 'gone' || leaving) return;
            try {
              post(client, { kind: 'reconnect', link });
            } catch (error) {
              logger.warn('could not tell a page to reconnect', { error });
            }
          },
        });
        const deliver = (message: unknown) => {
          if (typeOf(message) === 'bye') leaving = true;
          end.deliver(message);
        };
        links.set(key, { clientId: client.id, deliver, gone: end.gone });
        onConnection(end.transport);
      };

      /** Pages closed without a `bye` (a tab closed at once) are forgotten when a page joins. */
      const prune = () =>
        scope.clients.matchAll({ includeUncontrolled: true, type: 'all' }).then((alive) => {
          const ids = new Set(alive.map((client) => client.id));
          for (const entry of [...links.values()]) {
            if (!ids.has(entry.clientId)) entry.gone();
          }
        });

      const onMessage = (event: Event) => {
        const { data, source, waitUntil } = event as unknown as ExtendableMessageEventLike;
        if (!isEnvelope(data, channel) || data.kind !== 'message' || typeof data.link !== 'string')
          return;
        if (!isClient(source)) {
          logger.warn('a statesync message came from something that is not a page; ignored');
          return;
        }
        const known = links.get(keyOf(source.id, data.link));
        if (known) return known.deliver(data.data);
        const type = typeOf(data.data);
        if (type === 'hello') {
          open(source, data.link);
          links.get(keyOf(source.id, data.link))?.deliver(data.data);
          const pruned = prune().catch((error: unknown) =>
            logger.warn('could not list the pages', { error }),
          );
          waitUntil?.call(event, pruned);
          return;
        }
        // A link of an earlier boot of this worker (or one the authority dropped).
        if (type !== 'bye') post(source, { kind: 'reconnect', link: data.link });
      };
      const onActivate = (event: Event) => {
        (event as unknown as ExtendableMessageEventLike).waitUntil?.(scope.clients.claim());
      };

      scope.addEventListener('message', onMessage);
      if (options.claim ?? true) scope.addEventListener('activate', onActivate);
      // Pages linked to an earlier boot hear that it is gone; those already linked to this boot
      // (their hello came first) and pages not linked yet ignore it.
      scope.clients
        .matchAll({ includeUncontrolled: true, type: 'window' })
        .then((pages) => {
          const linked = new Set([...links.values()].map((entry) => entry.clientId));
          for (const page of pages) if (!linked.has(page.id)) post(page, { kind: 'restarted' });
        })
        .catch((error: unknown) => logger.warn('could not tell the pages of a restart', { error }));

      return () => {
        scope.removeEventListener('message', onMessage);
        scope.removeEventListener('activate', onActivate);
        for (const entry of [...links.values()]) entry.gone();
        links.clear();
      };
    },
  };
}
