import {
  createMessagePortTransport,
  isStateSyncError,
  type Logger,
  StateSyncError,
  type Timers,
  type Transport,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core';
import type { AuthorityHost } from '../authority/authority-host.js';
import { createLocalLink } from '../links/local-link.js';
import { openSharedWorker } from '../links/shared-worker.js';
import { createTabHub } from '../links/tab-hub.js';
import type { StoreRecord } from '../store/store-record.js';
import type {
  ClientConnector,
  ServerTransport,
  SharedAppOptions,
  SharedAppStatus,
  SharedWorkerConstructor,
} from '../types.js';
import { linkName, tabLockPrefix } from '../wire/names.js';
import type { Report } from '../wire/report.js';
import { clientLinkFor } from './mode-links.js';
import { RECOVER_MS, startSharedTab } from './shared-tab.js';
import { CLAIM_MS, SILENCE_MS } from './tab-election.js';

/** The authority a page runs, reached while its code may still be loading. */
export type HostLink = Pick<AuthorityHost, 'connect'>;

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

/** Starts a client page in the mode its options ask for, falling down the ladder as needed. */
export function startClientMode(runtime: AppRuntime): Promise<void> {
  const { share } = runtime;
  if (runtime.isDisposing()) {
    return Promise.reject(new StateSyncError('stopped', `app "${runtime.name}" was disposed`));
  }
  if (share.type === 'Local') return startLocal(runtime);
  if (share.type === 'SharedTab') return startTab(runtime);
  if (share.type !== 'Auto' && share.port === 'client') {
    if (share.type !== 'SharedWorker') runtime.setStatus({ mode: share.type, role: 'client' });
    if (share.transport) return linkOnce(runtime, share.transport);
    if (share.connector) return connectVia(runtime, share.connector);
    if (share.type === 'ServiceWorker' && !globalThis.navigator?.serviceWorker) {
      return fallBack(runtime, 'SharedWorker', 'service workers are not available here');
    }
    if (share.type !== 'SharedWorker') {
      let link: ReturnType<typeof clientLinkFor>;
      try {
        link = clientLinkFor(share, runtime.logger);
      } catch (error) {
        // A page without Worker runs its store logic itself; other modes have no stand-in.
        if (share.type !== 'Worker') throw error;
        return fallBack(runtime, 'SharedTab', (error as Error).message);
      }
      return 'transport' in link
        ? linkOnce(runtime, link.transport)
        : connectVia(runtime, link.connector);
    }
  }
  const workerURL = 'workerURL' in share ? share.workerURL : undefined;
  const Worker = ('SharedWorker' in share && share.SharedWorker) || globalThis.SharedWorker;
  if (share.type === 'Auto' && (workerURL === undefined || typeof Worker !== 'function')) {
    return startTab(runtime);
  }
  return startWorker(runtime, workerURL!, Worker);
}

/**
 * The next mode down the ladder, after `reason` made the current one fail: from a shared worker
 * (`SharedWorker`, `ServiceWorker`) to `SharedTab` where tabs can talk, else to `Local`.
 */
function fallBack(runtime: AppRuntime, from: 'SharedWorker' | 'SharedTab', reason: string) {
  const tabs = from === 'SharedWorker' && typeof tabChannel(runtime) === 'function';
  const mode = runtime.share.type === 'Auto' ? from : runtime.share.type;
  const to = tabs ? 'SharedTab' : 'Local';
  const failed = (outcome: string) =>
    new StateSyncError('invalid_option', `${mode} mode failed, ${outcome}: ${reason}`, {
      reason: 'fallback',
    });
  if (runtime.share.strict) return Promise.reject(failed('and share.strict forbids a fallback'));
  runtime.logger.warn(`falling back to ${to} mode: ${reason}`, { reason });
  runtime.setStatus({ fallback: { from: mode, reason } });
  runtime.report({ phase: 'fallback', error: failed(`${to} mode runs instead`) });
  return tabs ? startTab(runtime) : startLocal(runtime);
}

const tabChannel = (runtime: AppRuntime) =>
  ('BroadcastChannel' in runtime.share && runtime.share.BroadcastChannel) ||
  globalThis.BroadcastChannel;

function startLocal(runtime: AppRuntime): Promise<void> {
  runtime.setStatus({ mode: 'Local', role: 'local' });
  const link = createLocalLink({ logger: runtime.logger });
  runtime.startHost().connect(link.server);
  return runtime.link(link.client);
}

/** A link given by the app (tests, custom media): no fallback, a failure rejects `ready`. */
function linkOnce(runtime: AppRuntime, transport: Transport): Promise<void> {
  const linked = runtime.link(transport);
  linked.catch((error: unknown) => {
    if (!runtime.isDisposing()) {
      runtime.report({ phase: 'connect', error: toStateSyncError(error, 'protocol', 'connect') });
    }
  });
  return linked;
}

/** Reconnect delays after a lost link: at once, then doubling up to a ceiling. */
const RETRY_MS = [0, 100, 200, 400, 800, 1_600, 2_000];

/**
 * Links through `connector`, and again each time the link is lost: at once the first time, then
 * backing off while links keep failing (an authority that is still stopping), back to at once
 * after a welcome. A connector that throws `stopped` (an extension reloaded) ends it.
 */
function connectVia(runtime: AppRuntime, connector: ClientConnector): Promise<void> {
  let generation = 0;
  let failures = 0;
  const open = (): Promise<void> => {
    const mine = ++generation;
    let transport: Transport;
    try {
      transport = connector.connect((reason) => {
        if (mine !== generation || runtime.isDisposing()) return;
        runtime.logger.info('the link to the authority was lost; connecting again', { reason });
        runtime.setStatus({ connected: false });
        retry();
      });
    } catch (error) {
      const failure = toStateSyncError(error, 'protocol', 'connect');
      runtime.report({ phase: 'connect', error: failure });
      if (failure.code !== 'stopped') retry();
      return Promise.reject(failure);
    }
    const linked = linkOnce(runtime, transport);
    linked.then(
      () => {
        failures = 0;
      },
      () => {},
    );
    return linked;
  };
  const retry = () => {
    const delay = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]!;
    runtime.timers.setTimeout(() => {
      if (!runtime.isDisposing()) open().catch(() => {});
    }, delay);
  };
  return open();
}

function startWorker(
  runtime: AppRuntime,
  workerURL: string | URL,
  Worker: SharedWorkerConstructor | undefined,
): Promise<void> {
  runtime.setStatus({ mode: 'SharedWorker', role: 'client' });
  return new Promise<void>((resolve, reject) => {
    let release = () => {};
    let fellBack = false;
    let linked = false;
    const fail = (reason: string) => {
      if (fellBack) return;
      if (runtime.isDisposing()) {
        reject(new StateSyncError('stopped', `app "${runtime.name}" was disposed`));
        return;
      }
      if (linked) {
        runtime.logger.warn('the SharedWorker reported an error', { reason });
        return;
      }
      fellBack = true;
      release();
      fallBack(runtime, 'SharedWorker', reason).then(resolve, reject);
    };
    let transport: Transport;
    try {
      const opened = openSharedWorker(workerURL, runtime.name, Worker, fail, runtime.logger);
      release = opened.release;
      transport = opened.transport;
    } catch (error) {
      fail((error as Error).message);
      return;
    }
    runtime.link(transport).then(
      () => {
        if (fellBack) return;
        linked = true;
        resolve();
      },
      (error: unknown) => fail((error as Error).message),
    );
  });
}

/** `SharedTab`: elect a leader among the tabs; follow it, or lead. */
function startTab(runtime: AppRuntime): Promise<void> {
  const { logger, timers } = runtime;
  const Channel = tabChannel(runtime);
  if (typeof Channel !== 'function') {
    runtime.logger.warn('falling back to Local mode: BroadcastChannel is not available here');
    return startLocal(runtime);
  }
  runtime.setStatus({ mode: 'SharedTab', role: 'client' });
  const hub = createTabHub({
    channel: linkName(runtime.name),
    id: runtime.clientId,
    logger,
    BroadcastChannel: Channel,
  });
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let stop: Unsubscribe = () => {};
    const leave = () => {
      stop();
      hub.close();
    };
    runtime.onDispose(leave);
    const giveUp = (reason: string) => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(timer);
      leave();
      if (runtime.isDisposing()) {
        reject(new StateSyncError('stopped', `app "${runtime.name}" was disposed`));
        return;
      }
      fallBack(runtime, 'SharedTab', reason).then(resolve, reject);
    };
    // Without Web Locks, the first election takes a silence and a round of claims.
    const deadline =
      runtime.startTimeoutMs + (runtime.locks ? 0 : SILENCE_MS + CLAIM_MS + RECOVER_MS);
    const timer = timers.setTimeout(
      () => giveUp(`no leader tab answered within ${deadline} ms`),
      deadline,
    );
    const track = (linked: Promise<void>) =>
      linked.then(
        () => {
          if (settled) return;
          settled = true;
          timers.clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          // Another build of the app leads: it cannot be followed.
          if (isStateSyncError(error) && error.reason === 'version_mismatch') {
            runtime.report({ phase: 'connect', error });
            giveUp(error.message);
          }
          throw error;
        },
      );
    stop = startSharedTab({
      app: runtime.name,
      hub,
      locks: runtime.locks,
      timers,
      logger,
      tabLockPrefix: tabLockPrefix(runtime.name),
      copies: runtime.copies,
      ...(runtime.stored && { stored: runtime.stored }),
      lead(recovered, server) {
        runtime.setStatus({ role: 'leader' });
        // A real channel: its messages are tasks, so the leader's own calls cannot starve the
        // other tabs' messages as a chain of microtasks would.
        const { port1, port2 } = new MessageChannel();
        runtime.lead(recovered, server).connect(createMessagePortTransport(port1, { logger }));
        track(runtime.link(createMessagePortTransport(port2, { logger }))).catch(() => {});
      },
      follow(transport) {
        runtime.setStatus({ role: 'client' });
        return track(runtime.link(transport));
      },
    });
  });
}
