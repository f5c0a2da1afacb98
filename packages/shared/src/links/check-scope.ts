import { StateSyncError } from '@statesync/core/base';

/** What is missing when a server transport's scope is not there, by mode. */
const MISSING = {
  SharedWorker:
    'no SharedWorker scope to accept connections from: run this inside a SharedWorker or pass a transport',
  ServiceWorker: 'no service worker scope: run this inside a service worker or pass a scope',
  Worker: 'no worker scope to accept connections from: run this inside a Worker or pass its scope',
  Window: 'no window to listen on: pass options.window',
};

/**
 * `scope`, when a server transport of mode `mode` can listen on it (a service worker's must have
 * `clients` too); throws `invalid_option` saying what is missing otherwise.
 */
export function checkScope<S>(mode: keyof typeof MISSING, scope: S): S {
  const found = scope as { addEventListener?: unknown; clients?: unknown } | undefined;
  if (
    typeof found?.addEventListener !== 'function' ||
    (mode === 'ServiceWorker' && typeof found.clients !== 'object')
  ) {
    throw new StateSyncError('invalid_option', MISSING[mode]);
  }
  return scope;
}
