import type { Logger } from '@statesync/core/base';
import type { MessageEventTarget } from '../links/connect-link.js';
import { createExtensionServerTransport } from '../links/extension-transport.js';
import type { RuntimeLike } from '../links/runtime-port-transport.js';
import {
  createServiceWorkerServerTransport,
  type ServiceWorkerScopeLike,
} from '../links/service-worker-transport.js';
import {
  type ConnectEventTarget,
  createSharedWorkerServerTransport,
} from '../links/shared-worker.js';
import { createWindowServerTransport } from '../links/window-transport.js';
import { createWorkerServerTransport } from '../links/worker-transport.js';
import type { ServerShareOptions, ServerTransport } from '../types.js';
import { linkName } from '../wire/names.js';

/**
 * The mode's own server transport of a `port: 'server'` app, listening on `scope`: the global
 * scope (or, in an extension, the runtime) as `modes/server-transport.ts` kept it while this
 * code loaded.
 */
export function openServerTransport(
  share: ServerShareOptions,
  logger: Logger,
  scope: unknown,
): ServerTransport {
  const name = linkName(share.name);
  switch (share.type) {
    case 'SharedWorker':
      return createSharedWorkerServerTransport(scope as ConnectEventTarget, logger);
    case 'ServiceWorker':
      return createServiceWorkerServerTransport(scope as ServiceWorkerScopeLike, {
        channel: name,
        logger,
      });
    case 'Worker':
      return createWorkerServerTransport(scope as MessageEventTarget, { name, logger });
    case 'Window':
      return createWindowServerTransport({
        allowedOrigins: share.allowedOrigins ?? [],
        name,
        logger,
        window: scope as MessageEventTarget,
      });
    case 'Extension':
      return createExtensionServerTransport({
        portName: name,
        logger,
        runtime: scope as Pick<RuntimeLike, 'onConnect' | 'lastError'>,
      });
  }
}
