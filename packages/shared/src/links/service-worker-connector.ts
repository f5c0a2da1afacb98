import {
  createTransportEnd,
  type Logger,
  noopLogger,
  randomId,
  StateSyncError,
  type Transport,
} from '@statesync/core';
import type { ClientConnector } from '../types.js';
import { DEFAULT_LINK_NAME } from '../wire/names.js';
import { isEnvelope, type ServiceWorkerEnvelope } from './service-worker-transport.js';

/** A `ServiceWorker` object as a page sees it (`controller`, `registration.active`). */
export interface ServiceWorkerLike {
  readonly state?: string;
  postMessage(message: unknown): void;
  addEventListener?(type: 'statechange', listener: () => void): void;
  removeEventListener?(type: 'statechange', listener: () => void): void;
}

/** What the connector needs of `navigator.serviceWorker`. */
export interface ServiceWorkerContainerLike {
  readonly controller: ServiceWorkerLike | null;
  readonly ready: Promise<{ readonly active: ServiceWorkerLike | null }>;
  register(
    scriptURL: string | URL,
    options?: { type?: 'classic' | 'module'; scope?: string },
  ): Promise<unknown>;
  addEventListener(type: 'message' | 'controllerchange', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'controllerchange', listener: (event: Event) => void): void;
  /** Lets messages from the worker through before the document has loaded. */
  startMessages?(): void;
}

export interface ServiceWorkerConnectorOptions {
  /** @default navigator.serviceWorker */
  container?: ServiceWorkerContainerLike;
  /** The worker script to register. Without it, the page relies on a registration made elsewhere. */
  scriptURL?: string | URL;
  /** How the script is loaded. @default 'module' */
  type?: 'classic' | 'module';
  /** The registration's scope. @default the script's folder */
  scope?: string;
  /** The same channel as the worker's transport. @default 'statesync' */
  channel?: string;
  /** Told about a failed registration and listeners that throw. @default noopLogger */
  logger?: Logger;
}

/**
 * Opens links from a page to the authority in a service worker. Messages go to the worker that
 * controls the page, or to the registration's active worker while the page is not controlled
 * yet (its first load, before the worker's `clients.claim()`); the worker answers this page's
 * `Client`. Sends made before the worker is known wait, copied at send time. `onLost` is called
 * once when the worker restarted (it says so, or does not know the link), or when another
 * worker took over the page. A registration that fails is logged; the link then never opens
 * and the app's start timeout decides.
 */
export function createServiceWorkerConnector(
  options: ServiceWorkerConnectorOptions = {},
): ClientConnector {
  const container =
    options.container ??
    (globalThis as { navigator?: { serviceWorker?: ServiceWorkerContainerLike } }).navigator
      ?.serviceWorker;
  if (!container || typeof container.addEventListener !== 'function') {
    throw new StateSyncError('invalid_option', 'service workers are not available here');
  }
  const channel = options.channel ?? DEFAULT_LINK_NAME;
  const logger = options.logger ?? noopLogger;
  let registered: Promise<unknown> | undefined;

  /** The worker to post to: the controller, else the active worker of the registration. */
  const worker = async (): Promise<ServiceWorkerLike> => {
    if (options.scriptURL !== undefined) {
      registered ??= container.register(options.scriptURL, {
        type: options.type ?? 'module',
        ...(options.scope !== undefined && { scope: options.scope }),
      });
      await registered;
    }
    const registration = await container.ready;
    const found = container.controller ?? registration.active;
    if (!found) throw new StateSyncError('stopped', 'the registration has no active worker');
    return found;
  };

  return {
    connect(onLost): Transport {
      const link = randomId();
      const waiting: unknown[] = [];
      let target: ServiceWorkerLike | undefined;
      let boot: string | undefined;

      const post = (data: unknown) =>
        target!.postMessage({
          statesync: channel,
          kind: 'message',
          link,
          data,
        } satisfies ServiceWorkerEnvelope);

      // The container is heard from the start, listeners or not: a restart must be noticed.
      const end = createTransportEnd<unknown>({
        name: 'link',
        logger,
        post(message) {
          if (target) post(message);
          else waiting.push(structuredClone(message));
        },
        release() {
          container.removeEventListener('message', onMessage);
          container.removeEventListener('controllerchange', onControllerChange);
          target?.removeEventListener?.('statechange', onStateChange);
          waiting.length = 0;
        },
      });
      const lose = (reason: string) => {
        if (end.gone()) onLost(reason);
      };

      const onMessage = (event: Event) => {
        const envelope = (event as MessageEvent).data;
        if (!isEnvelope(envelope, channel)) return;
        if (envelope.kind === 'restarted') {
          // Only a link that has heard from a boot can tell that another one started; a link
          // still waiting for its welcome hears it from this very boot.
          if (boot !== undefined && envelope.boot !== boot) lose('the service worker restarted');
          return;
        }
        if (envelope.link !== link) return;
        if (envelope.kind === 'reconnect') {
          lose('the service worker does not know this link (it restarted)');
          return;
        }
        boot ??= envelope.boot;
        if (envelope.boot !== boot) {
          lose('the service worker restarted');
          return;
        }
        end.deliver(envelope.data);
      };
      const onControllerChange = () => {
        if (target && container.controller !== target) {
          lose('another service worker controls the page now');
        }
      };
      const onStateChange = () => {
        if (target?.state === 'redundant') lose('the service worker was replaced');
      };

      container.addEventListener('message', onMessage);
      container.addEventListener('controllerchange', onControllerChange);
      container.startMessages?.();
      worker().then(
        (found) => {
          if (end.state() !== 'open') return;
          target = found;
          target.addEventListener?.('statechange', onStateChange);
          for (const data of waiting.splice(0)) post(data);
        },
        (error: unknown) => logger.error('the service worker could not be reached', { error }),
      );

      return end.transport;
    },
  };
}
