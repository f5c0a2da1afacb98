import type { Logger, Unsubscribe } from '@statesync/core';
import type { AuthorityHost } from '../authority/authority-host.js';
import type { AnyStoreDefinition, Disposer, SharedApp } from '../types.js';
import type { Report } from '../wire/report.js';

/** What the test helpers and the DevTools entry may reach inside an app, off its public members. */
export interface AppInternals {
  /** The authority announces every store's current revision again (no-op on a client). */
  republish(): void;
  /** Runs `setup` with each authority this app starts (now, if it is one); its disposer after. */
  onHost(setup: (host: AuthorityHost) => undefined | Disposer): Unsubscribe;
  /** The stores of the app so far. */
  stores(): AnyStoreDefinition[];
  logger: Logger;
  report: Report;
}

// A global symbol, so that the testing entry reaches apps made by another build of the package.
const INTERNALS = Symbol.for('statesync.shared.internals');

export function registerInternals(app: SharedApp, internals: AppInternals): void {
  Object.defineProperty(app, INTERNALS, { value: internals });
}

export function internalsOf(app: SharedApp): AppInternals | undefined {
  return (app as unknown as Record<symbol, AppInternals | undefined>)[INTERNALS];
}
