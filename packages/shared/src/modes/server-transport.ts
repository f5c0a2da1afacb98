import type { Logger, Unsubscribe } from '@statesync/core/base';
import { checkAllowedOrigins } from '../links/check-origin.js';
import { checkScope } from '../links/check-scope.js';
import { extensionRuntime } from '../links/extension-runtime.js';
import { type EventScope, keepEvents } from '../links/kept-events.js';
import { keepPorts } from '../links/kept-ports.js';
import type { RuntimeLike } from '../links/runtime-port-transport.js';
import type { ServerShareOptions, ServerTransport } from '../types.js';
import { linkName } from '../wire/names.js';

/** The events each mode's server transport listens to on its global scope. */
const EVENTS = {
  SharedWorker: ['connect'],
  ServiceWorker: ['message', 'activate'],
  Worker: ['message'],
  Window: ['message'],
};

/**
 * Where the authority of a `port: 'server'` app hears from its clients: `share.transport`, or
 * the mode's own transport. The transports' code is loaded with `import()` (a client page
 * never needs it); meanwhile the global scope is listened to from the first run of the script,
 * as a worker's must be, and what arrives is kept for the transport. Throws `invalid_option`
 * at once when there is no such scope; `loaded` rejects when the code does not load.
 */
export function serverTransportFor(
  share: ServerShareOptions,
  logger: Logger,
): { transport: ServerTransport; loaded: Promise<unknown> } {
  if (share.transport) return { transport: share.transport, loaded: Promise.resolve() };
  const global = globalThis as unknown;
  let kept: { drop(): void };
  let scope: unknown;
  if (share.type === 'Extension') {
    const ports = keepPorts(
      extensionRuntime<Pick<RuntimeLike, 'onConnect' | 'lastError'>>(undefined, 'onConnect'),
      linkName(share.name),
    );
    kept = ports;
    scope = ports.runtime;
  } else {
    if (share.type === 'Window') checkAllowedOrigins(share.allowedOrigins);
    const target = checkScope(share.type, global as EventScope & { clients?: unknown });
    const events = keepEvents(target, EVENTS[share.type], logger);
    kept = events;
    scope =
      share.type === 'ServiceWorker' ? { ...events.scope, clients: target.clients } : events.scope;
  }
  let opened: ServerTransport | undefined;
  const loaded = import('./server-links.js').then(
    ({ openServerTransport }) => {
      opened = openServerTransport(share, logger, scope);
    },
    (error: unknown) => {
      kept.drop();
      throw error;
    },
  );
  const transport: ServerTransport = {
    ...(share.type === 'Extension' && { medium: 'json' as const }),
    accept(onConnection): Unsubscribe {
      let stop: Unsubscribe | undefined;
      let stopped = false;
      loaded.then(
        () => {
          if (stopped) return;
          // The transport's listeners hear what was kept first; the rest was not for it.
          stop = opened!.accept(onConnection);
          kept.drop();
        },
        () => {},
      );
      return () => {
        stopped = true;
        kept.drop();
        stop?.();
      };
    },
  };
  return { transport, loaded };
}
