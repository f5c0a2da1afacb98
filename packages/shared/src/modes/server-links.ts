import type { Logger } from '@statesync/core';
import { createExtensionServerTransport } from '../links/extension-transport.js';
import { createServiceWorkerServerTransport } from '../links/service-worker-transport.js';
import { createSharedWorkerServerTransport } from '../links/shared-worker.js';
import { createWindowServerTransport } from '../links/window-transport.js';
import { createWorkerServerTransport } from '../links/worker-transport.js';
import type { ServerShareOptions, ServerTransport } from '../types.js';
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
