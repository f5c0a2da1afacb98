import { StateSyncError, type Unsubscribe } from '@statesync/core';
import { type AppInternals, internalsOf } from '../app/internals.js';
import type { SharedApp } from '../types.js';
import { createDevtoolsServer, type DevtoolsServer } from './devtools-server.js';

export interface ServeDevtoolsOptions {
  /** How many calls per store the authority keeps for time travel. @default 50 */
  maxAge?: number;
}

const served = new WeakMap<SharedApp, { current: DevtoolsServer | undefined }>();

export function needInternals(app: SharedApp): AppInternals {
  const internals = internalsOf(app);
  if (!internals)
    throw new StateSyncError('invalid_option', 'expected an app from createSharedApp');
  return internals;
}

/**
 * Lets DevTools panels in any window watch this app's stores and travel in time: whenever this
 * app is the authority (a worker's app, a `Local` page, the elected tab), it keeps each watched
 * store's recent calls and runs the panels' commands. Call it in the authority's script (a
 * page's `connectDevtools` calls it for you), in development builds only: meanwhile any window
 * may rewrite the state. Idempotent; returns the stop.
 */
export function serveDevtools(app: SharedApp, options: ServeDevtoolsOptions = {}): Unsubscribe {
  const internals = needInternals(app);
  const maxAge = options.maxAge ?? 50;
  if (!(Number.isInteger(maxAge) && maxAge > 0)) {
    throw new StateSyncError('invalid_option', 'maxAge must be a positive integer');
  }
  if (served.has(app)) return () => {};
  const slot: { current: DevtoolsServer | undefined } = { current: undefined };
  served.set(app, slot);
  const off = internals.onHost((host) => {
    const server = createDevtoolsServer(host, maxAge);
    slot.current = server;
    return () => {
      server.dispose();
      if (slot.current === server) slot.current = undefined;
    };
  });
  return () => {
    if (served.get(app) !== slot) return;
    served.delete(app);
    off();
  };
}

/** The DevTools server of `app` while it is the authority. */
export const devtoolsServerOf = (app: SharedApp): DevtoolsServer | undefined =>
  served.get(app)?.current;
