import { StateSyncError, toStateSyncError } from '@statesync/core/base';
import { type AppRuntime, disposed, type FallBack, linkOnce } from './app-runtime.js';
import { type LazyModule, lazyModule } from './lazy-module.js';

// Each mode's code, loaded the first time a page starts in that mode or falls back to it.
const workerMode = lazyModule(() => import('./worker-mode.js'));
const tabMode = lazyModule(() => import('./tab-mode.js'));
const linkedMode = lazyModule(() => import('./linked-mode.js'));
const localLink = lazyModule(() => import('../links/local-link.js'));

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
      return withCode(runtime, 'connector', linkedMode, (mode) =>
        mode.connectVia(runtime, connector),
      );
    }
    if (share.type === 'ServiceWorker' && !globalThis.navigator?.serviceWorker) {
      return fallBack('SharedWorker', 'service workers are not available here');
    }
    if (share.type !== 'SharedWorker') {
      const client = share;
      return withCode(runtime, client.type, linkedMode, (mode) =>
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
  return withCode(runtime, 'SharedWorker', workerMode, (mode) =>
    mode.startWorker(runtime, workerURL!, Worker, fallBack),
  );
}

/**
 * Starts `mode` with its code: at once when it is loaded, else once it is, unless the app was
 * disposed meanwhile. Code that does not load (the network failed) is reported and rejects.
 */
function withCode<M>(
  runtime: AppRuntime,
  mode: string,
  code: LazyModule<M>,
  start: (module: M) => Promise<void>,
): Promise<void> {
  const loaded = code.now();
  if (loaded) return start(loaded);
  return code.load().then(
    (module) => {
      if (runtime.isDisposing()) throw disposed(runtime);
      return start(module);
    },
    (error: unknown) => {
      if (runtime.isDisposing()) throw disposed(runtime);
      const failure = toStateSyncError(error, 'protocol', `load the ${mode} mode`);
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
  return withCode(runtime, 'Local', localLink, async ({ createLocalLink }) => {
    // The welcome timeout is for an authority that does not answer, not for this page's own
    // authority code to load: link once it runs.
    await host.started;
    if (runtime.isDisposing()) throw disposed(runtime);
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
  return withCode(runtime, 'SharedTab', tabMode, (mode) =>
    mode.startTab(runtime, Channel, fallingBack(runtime)),
  );
}
