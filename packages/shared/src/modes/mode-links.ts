import { type Logger, StateSyncError, type Transport } from '@statesync/core';
import {
  createExtensionConnector,
  createExtensionServerTransport,
} from '../links/extension-transport.js';
import { createServiceWorkerConnector } from '../links/service-worker-connector.js';
import { createServiceWorkerServerTransport } from '../links/service-worker-transport.js';
import { createSharedWorkerServerTransport } from '../links/shared-worker.js';
import {
  createWindowClientTransport,
  createWindowServerTransport,
} from '../links/window-transport.js';
import {
  createWorkerClientTransport,
  createWorkerServerTransport,
} from '../links/worker-transport.js';
import type {
  ClientConnector,
  ClientShareOptions,
  ServerShareOptions,
  ServerTransport,
} from '../types.js';
import { linkName } from '../wire/names.js';

/** Where the authority of a `port: 'server'` app hears from its clients, by mode. */
export function serverTransportFor(share: ServerShareOptions, logger: Logger): ServerTransport {
  if (share.transport) return share.transport;
  const name = linkName(share.name);
  switch (share.type) {
    case 'SharedWorker':
      return createSharedWorkerServerTransport(undefined, logger);
    case 'ServiceWorker':
      return createServiceWorkerServerTransport(undefined, { channel: name, logger });
    case 'Worker':
      return createWorkerServerTransport(undefined, { name, logger });
    case 'Window':
      return createWindowServerTransport({
        allowedOrigins: share.allowedOrigins ?? [],
        name,
        logger,
      });
    case 'Extension':
      return createExtensionServerTransport({ portName: name, logger });
  }
}

/**
 * How a client page of the modes without a fallback ladder reaches its authority: a link, or a
 * connector for authorities the browser may stop and start again.
 */
export function clientLinkFor(
  share: ClientShareOptions,
  logger: Logger,
): { transport: Transport } | { connector: ClientConnector } {
  const name = linkName(share.name);
  switch (share.type) {
    case 'ServiceWorker':
      return {
        connector: createServiceWorkerConnector({
          ...(share.workerURL !== undefined && { scriptURL: share.workerURL }),
          channel: name,
          logger,
        }),
      };
    case 'Extension':
      return { connector: createExtensionConnector({ portName: name, logger }) };
    case 'Worker': {
      if (typeof globalThis.Worker !== 'function') {
        throw new StateSyncError('invalid_option', 'Worker is not available here');
      }
      const worker = new Worker(share.workerURL!, { type: 'module', name: share.name });
      return { transport: createWorkerClientTransport(worker, { name, logger }) };
    }
    case 'Window': {
      const here = globalThis as unknown as { parent?: Window; opener?: Window | null };
      const target =
        share.target ??
        (here.parent && here.parent !== (globalThis as unknown) ? here.parent : here.opener);
      if (!target) {
        throw new StateSyncError('invalid_option', 'no parent or opener window to connect to');
      }
      const transport = createWindowClientTransport({
        target,
        targetOrigin: share.targetOrigin ?? '',
        name,
        logger,
      });
      return { transport };
    }
    default:
      throw new StateSyncError('invalid_option', `no built-in link for ${share.type} clients`);
  }
}
