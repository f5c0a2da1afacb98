import type { SharedApp } from '../types.js';

/** What the test helpers may reach inside an app, kept off its public members. */
export interface AppInternals {
  /** The authority announces every store's current revision again (no-op on a client). */
  republish(): void;
}

// A global symbol, so that the testing entry reaches apps made by another build of the package.
const INTERNALS = Symbol.for('statesync.shared.internals');

export function registerInternals(app: SharedApp, internals: AppInternals): void {
  Object.defineProperty(app, INTERNALS, { value: internals });
}

export function internalsOf(app: SharedApp): AppInternals | undefined {
  return (app as unknown as Record<symbol, AppInternals | undefined>)[INTERNALS];
}
