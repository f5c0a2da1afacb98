import {
  type Logger,
  noopLogger,
  StateSyncError,
  type Transport,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core/base';
import type { ServerTransport } from '../types.js';
import { checkScope } from './check-scope.js';
import {
  checkLinkName,
  createLinkServer,
  isConnectMessage,
  type MessageEventTarget,
  openLink,
  readConnect,
} from './connect-link.js';

export interface WorkerTransportOptions {
  /** Pairs the page's link with the worker's server transport. @default 'statesync' */
  name?: string;
  /** Told about malformed connect messages and listeners that throw. @default noopLogger */
  logger?: Logger;
}

/** The authority's side of a dedicated worker's links. */
export interface WorkerServerTransport extends ServerTransport {
  /** How many links are open: accepted, and not closed by the authority yet. */
  connections(): number;
}

/**
 * The authority's side inside a dedicated `Worker`. The page posts a connect message carrying a
 * `MessagePort` to the worker, and the link is that port, as for frames and windows. There is
 * no origin to check: only the page that created the worker can post to it. Usually there is
 * one link, but a page that makes a new app on the same worker gets another.
 *
 * Create it (with `createSharedApp`) at the top level of the worker script: connect messages
 * that arrive before anything listens are lost, and the page would wait for its timeout.
 */
export function createWorkerServerTransport(
  scope: MessageEventTarget = globalThis as unknown as MessageEventTarget,
  options: WorkerTransportOptions = {},
): WorkerServerTransport {
  checkScope('Worker', scope);
  const name = checkLinkName(options.name);
  const logger = options.logger ?? noopLogger;
  // The page owns the worker: when the page goes, so does the worker; no lock to watch.
  const links = createLinkServer(logger, undefined);
  return {
    connections: links.count,
    accept(onConnection): Unsubscribe {
      const onMessage = (event: MessageEvent) => {
        if (!isConnectMessage(event.data) || event.data.name !== name) return;
        const connect = readConnect(event);
        if (typeof connect === 'string') {
          logger.warn(`ignored a malformed connect message: ${connect}`);
          for (const port of event.ports ?? []) port.close();
          return;
        }
        onConnection(links.serve(connect.port, undefined));
      };
      return links.listen(scope, onMessage);
    },
  };
}

/** What the page needs of its `Worker`. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/**
 * The page's link to an authority running in the dedicated `Worker` it started: a
 * `MessageChannel` whose other end goes to the worker in a connect message.
 */
export function createWorkerClientTransport(
  worker: WorkerLike,
  options: WorkerTransportOptions = {},
): Transport {
  if (typeof worker?.postMessage !== 'function') {
    throw new StateSyncError('invalid_option', 'worker must be a Worker');
  }
  const name = checkLinkName(options.name);
  return openLink(
    (message, port) => {
      try {
        worker.postMessage(message, [port]);
      } catch (error) {
        throw toStateSyncError(error, 'invalid_option', 'could not post to the worker');
      }
    },
    { name, logger: options.logger ?? noopLogger },
  );
}
