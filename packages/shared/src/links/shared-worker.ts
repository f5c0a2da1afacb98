import {
  createMessagePortTransport,
  type Logger,
  StateSyncError,
  type Transport,
  type Unsubscribe,
} from '@statesync/core';
import type { ServerTransport, SharedWorkerConstructor, SharedWorkerLike } from '../types.js';
import { checkScope } from './check-scope.js';

/** The global scope of a SharedWorker, or a stand-in: it fires `connect` with a port per page. */
export interface ConnectEventTarget {
  addEventListener(type: 'connect', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'connect', listener: (event: MessageEvent) => void): void;
}

/**
 * The authority's side of a SharedWorker: a client link for every page that connects (the
 * `connect` events of the worker's global scope). This is what `createSharedApp` uses with
 * `port: 'server'` unless given a `transport`.
 */
export function createSharedWorkerServerTransport(
  scope: ConnectEventTarget = globalThis as unknown as ConnectEventTarget,
  logger?: Logger,
): ServerTransport {
  checkScope('SharedWorker', scope);
  return {
    accept(onConnection): Unsubscribe {
      const onConnect = (event: MessageEvent) => {
        const port = event.ports?.[0];
        if (!port) return;
        onConnection(createMessagePortTransport(port, logger ? { logger } : {}));
      };
      scope.addEventListener('connect', onConnect);
      return () => scope.removeEventListener('connect', onConnect);
    },
  };
}

export interface OpenedWorker {
  transport: Transport;
  /** Stops listening for the worker's errors. The transport is closed by its owner. */
  release(): void;
}

/**
 * Starts (or joins) the SharedWorker named `name`. Throws a `StateSyncError` saying why when
 * there is no constructor or it throws; `onFailure` hears a reason when the worker fails later
 * (its script did not load or threw while starting).
 */
export function openSharedWorker(
  url: string | URL,
  name: string,
  Worker: SharedWorkerConstructor | undefined,
  onFailure: (reason: string) => void,
  logger: Logger,
): OpenedWorker {
  if (typeof Worker !== 'function') {
    throw new StateSyncError('invalid_option', 'SharedWorker is not available here');
  }
  let worker: SharedWorkerLike;
  try {
    worker = new Worker(url, { name, type: 'module' });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new StateSyncError('invalid_option', `the SharedWorker could not be created: ${detail}`, {
      cause: error,
    });
  }
  const onError = (event: Event) => {
    const detail = (event as ErrorEvent).message;
    onFailure(
      `the SharedWorker failed to start${detail ? ` (${detail})` : ''}; check that ${String(url)} loads`,
    );
  };
  worker.addEventListener('error', onError);
  return {
    transport: createMessagePortTransport(worker.port, { logger }),
    release: () => worker.removeEventListener('error', onError),
  };
}
