import {
  type Logger,
  StateSyncError,
  type Timers,
  type Transport,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core/base';
import type { AuthorityHost } from '../authority/authority-host.js';
import type { StoreRecord } from '../store/store-record.js';
import type { ServerTransport, SharedAppOptions, SharedAppStatus } from '../types.js';
import type { Report } from '../wire/report.js';

/** The authority a page runs, reached while its code may still be loading. */
export interface HostLink extends Pick<AuthorityHost, 'connect'> {
  /** Settles once this page's authority runs (its code loaded), or rejects when it cannot. */
  readonly started: Promise<void>;
}

/** What the client modes need of their app. */
export interface AppRuntime {
  name: string;
  clientId: string;
  version: string;
  logger: Logger;
  report: Report;
  timers: Timers;
  startTimeoutMs: number;
  share: SharedAppOptions['share'];
  locks: LockManager | undefined;
  isDisposing(): boolean;
  setStatus(change: Partial<SharedAppStatus>): void;
  /** Syncs the app over `transport` (see `createSharedApp`). */
  link(transport: Transport): Promise<void>;
  /** Becomes the authority, starting from `recovered`, serving `server` and this page. */
  lead(recovered: ReadonlyMap<string, StoreRecord>, server: ServerTransport): HostLink;
  /** Becomes the authority of this page alone. */
  startHost(): HostLink;
  copies(): Record<string, StoreRecord>;
  stored: (() => Promise<Record<string, StoreRecord>>) | undefined;
  onDispose(cleanup: Unsubscribe): void;
}

/**
 * Goes down the mode ladder after `reason` made the current mode fail. Each mode's code loads
 * when the mode starts, so a mode reaches the next one through this rather than importing it.
 */
export type FallBack = (from: 'SharedWorker' | 'SharedTab', reason: string) => Promise<void>;

export const disposed = (runtime: AppRuntime) =>
  new StateSyncError('stopped', `app "${runtime.name}" was disposed`);

/** A link given by the app (tests, custom media): no fallback, a failure rejects `ready`. */
export function linkOnce(runtime: AppRuntime, transport: Transport): Promise<void> {
  const linked = runtime.link(transport);
  linked.catch((error: unknown) => {
    if (!runtime.isDisposing()) {
      runtime.report({ phase: 'connect', error: toStateSyncError(error, 'protocol', 'connect') });
    }
  });
  return linked;
}
