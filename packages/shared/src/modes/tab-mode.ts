import { createMessagePortTransport, isStateSyncError, type Unsubscribe } from '@statesync/core';
import { createTabHub } from '../links/tab-hub.js';
import { linkName, tabLockPrefix } from '../wire/names.js';
import { type AppRuntime, disposed, type FallBack } from './app-runtime.js';
import { RECOVER_MS, startSharedTab } from './shared-tab.js';

/** `SharedTab` over `Channel`: elect a leader among the tabs; follow it, or lead. */
export function startTab(
  runtime: AppRuntime,
  Channel: typeof BroadcastChannel,
  fallBack: FallBack,
): Promise<void> {
  const { logger, timers } = runtime;
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
        reject(disposed(runtime));
        return;
      }
      fallBack('SharedTab', reason).then(resolve, reject);
    };
    const cannotServe = (error: unknown) =>
      giveUp(`this tab was elected but could not serve: ${(error as Error)?.message ?? error}`);
    // The deadline is for other tabs: this tab's own election and recovery do not count. With
    // Web Locks it runs from the start (a lock held by another tab means a leader that must
    // answer). Without them, a tab that hears no leader elects itself by heartbeats, whose
    // chained timers drift under load past any sum of their periods; so the deadline runs only
    // once another tab beats or says it leads, and gives that leader time to recover first.
    const deadline = runtime.startTimeoutMs + (runtime.locks ? 0 : RECOVER_MS);
    let timer: unknown;
    let leading = false;
    const arm = () => {
      if (settled || leading || timer !== undefined) return;
      timer = timers.setTimeout(
        () => giveUp(`no leader tab answered within ${deadline} ms`),
        deadline,
      );
    };
    if (runtime.locks) arm();
    else {
      // Both end with the hub.
      hub.on('beat', (body) => {
        if (!(body as { resigned?: boolean } | undefined)?.resigned) arm();
      });
      hub.on('leader', arm);
    }
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
        // This tab is the authority now: no other tab has to answer, and the time its own
        // authority's code takes to load is no reason to fall back.
        leading = true;
        timers.clearTimeout(timer);
        runtime.setStatus({ role: 'leader', connected: false });
        const host = runtime.lead(recovered, server);
        host.started.then(() => {
          if (runtime.isDisposing()) return;
          // A real channel: its messages are tasks, so the leader's own calls cannot starve
          // the other tabs' messages as a chain of microtasks would.
          const { port1, port2 } = new MessageChannel();
          host.connect(createMessagePortTransport(port1, { logger }));
          track(runtime.link(createMessagePortTransport(port2, { logger }))).catch(cannotServe);
        }, cannotServe);
      },
      follow(transport) {
        runtime.setStatus({ role: 'client' });
        return track(runtime.link(transport));
      },
    });
  });
}
