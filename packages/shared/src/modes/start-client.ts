import { StateSyncError, toStateSyncError } from '@statesync/core/base';
import { type AppRuntime, disposed, type FallBack, linkOnce } from './app-runtime.js';

/**
 * Starts a client page in the mode its options ask for, falling down the ladder as needed.
 * Each mode's code is loaded (`import()`) when the page starts in it or falls back to it: a
 * page carries the code of its own mode only.
 */
export function startClientMode(runtime: AppRuntime): Promise<void> {
  const { share } = runtime;
  if (runtime.isDisposing()) return Promise.reject(disposed(runtime));
  const fallBack = fallingBack(runtime);
  if (share.type === 'Local') return startLocal(runtime);
  if (share.type === 'SharedTab') return startTab(runtime);
  if (share.type !== 'Auto' && share.port === 'client') {
    if (share.type !== 'SharedWorker') runtime.setStatus({ mode: share.type, role: 'client' });
    if (share.transport) return linkOnce(runtime, share.transport);
    const { connector } = share;
    if (connector) {
      return loaded(runtime, 'connector', import('./linked-mode.js')).then((mode) =>
        mode.connectVia(runtime, connector),
      );
    }
    if (share.type === 'ServiceWorker' && !globalThis.navigator?.serviceWorker) {
      return fallBack('SharedWorker', 'service workers are not available here');
    }
    if (share.type !== 'SharedWorker') {
      const client = share;
      return loaded(runtime, client.type, import('./linked-mode.js')).then((mode) =>
        mode.startLinked(runtime, client, fallBack),
      );
    }
  }
  const workerURL = 'workerURL' in share ? share.workerURL : undefined;
  const Worker = ('SharedWorker' in share && share.SharedWorker) || globalThis.SharedWorker;
  if (share.type === 'Auto' && (workerURL === undefined || typeof Worker !== 'function')) {
    return startTab(runtime);
  }
  runtime.setStatus({ mode: 'SharedWorker', role: 'client' });
  return loaded(runtime, 'SharedWorker', import('./worker-mode.js')).then((mode) =>
    mode.startWorker(runtime, workerURL!, Worker, fallBack),
  );
}

/**
 * A mode's module once `loading` settles, unless the app was disposed meanwhile. A module that
 * does not load (the network failed) is reported and rejects `ready`.
 */
function loaded<M>(runtime: AppRuntime, mode: string, loading: Promise<M>): Promise<M> {
  return loading.then(
    (module) => {
      if (runtime.isDisposing()) throw disposed(runtime);
      return module;
    },
    (error: unknown) => {
      const failure = toStateSyncError(error, 'protocol', `load the ${mode} mode`);
      if (runtime.isDisposing()) throw disposed(runtime);
      runtime.report({ phase: 'connect', error: failure });
      throw failure;
    },
  );
}

/**
 * The next mode down the ladder, after `reason` made the current one fail: from a shared worker
 * (`SharedWorker`, `ServiceWorker`) to `SharedTab` where tabs can talk, else to `Local`.
 */
const fallingBack =
  (runtime: AppRuntime): FallBack =>
  (from, reason) => {
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
  };

const tabChannel = (runtime: AppRuntime) =>
  ('BroadcastChannel' in runtime.share && runtime.share.BroadcastChannel) ||
  globalThis.BroadcastChannel;

function startLocal(runtime: AppRuntime): Promise<void> {
  runtime.setStatus({ mode: 'Local', role: 'local' });
  const host = runtime.startHost();
  return loaded(runtime, 'Local', import('../links/local-link.js')).then(({ createLocalLink }) => {
    const link = createLocalLink({ logger: runtime.logger });
    host.connect(link.server);
    return runtime.link(link.client);
  });
}

/** `SharedTab`: elect a leader among the tabs; follow it, or lead. */
function startTab(runtime: AppRuntime): Promise<void> {
  const Channel = tabChannel(runtime);
  if (typeof Channel !== 'function') {
    runtime.logger.warn('falling back to Local mode: BroadcastChannel is not available here');
    return startLocal(runtime);
  }
  runtime.setStatus({ mode: 'SharedTab', role: 'client' });
  return loaded(runtime, 'SharedTab', import('./tab-mode.js')).then((mode) =>
    mode.startTab(runtime, Channel, fallingBack(runtime)),
  );
}
