import { type Logger, StateSyncError, type Transport, toStateSyncError } from '@statesync/core';
import type { ClientConnector, ClientShareOptions } from '../types.js';
import { linkName } from '../wire/names.js';
import { type AppRuntime, disposed, type FallBack, linkOnce } from './app-runtime.js';

/**
 * A client page of a mode without a fallback ladder (`ServiceWorker`, `Extension`, `Worker`,
 * `Window`): links through the mode's built-in link, loaded now. A page without Worker runs its
 * store logic itself; the other modes have no stand-in.
 */
export async function startLinked(
  runtime: AppRuntime,
  share: ClientShareOptions,
  fallBack: FallBack,
): Promise<void> {
  let link: Awaited<ReturnType<typeof clientLinkFor>>;
  try {
    link = await clientLinkFor(share, runtime.logger);
  } catch (error) {
    if (share.type !== 'Worker') throw error;
    return fallBack('SharedTab', (error as Error).message);
  }
  if (runtime.isDisposing()) throw disposed(runtime);
  return 'transport' in link
    ? linkOnce(runtime, link.transport)
    : connectVia(runtime, link.connector);
}

/**
 * How a client page of those modes reaches its authority: a link, or a connector for
 * authorities the browser may stop and start again.
 */
async function clientLinkFor(
  share: ClientShareOptions,
  logger: Logger,
): Promise<{ transport: Transport } | { connector: ClientConnector }> {
  const name = linkName(share.name);
  switch (share.type) {
    case 'ServiceWorker': {
      const { createServiceWorkerConnector } = await import('../links/service-worker-connector.js');
      return {
        connector: createServiceWorkerConnector({
          ...(share.workerURL !== undefined && { scriptURL: share.workerURL }),
          channel: name,
          logger,
        }),
      };
    }
    case 'Extension': {
      const { createExtensionConnector } = await import('../links/extension-transport.js');
      return { connector: createExtensionConnector({ portName: name, logger }) };
    }
    case 'Worker': {
      if (typeof globalThis.Worker !== 'function') {
        throw new StateSyncError('invalid_option', 'Worker is not available here');
      }
      const { createWorkerClientTransport } = await import('../links/worker-transport.js');
      const worker = new Worker(share.workerURL!, { type: 'module', name: share.name });
      return { transport: createWorkerClientTransport(worker, { name, logger }) };
    }
    case 'Window': {
      const here = globalThis as unknown as { parent?: Window; opener?: Window | null };
      const target =
        share.target ??
        (here.parent && here.parent !== (globalThis as unknown) ? here.parent : here.opener);
      if (!target) {
        throw new StateSyncError('invalid_option', 'no parent or opener window to connect to');
      }
      const { createWindowClientTransport } = await import('../links/window-transport.js');
      const transport = createWindowClientTransport({
        target,
        targetOrigin: share.targetOrigin ?? '',
        name,
        logger,
      });
      return { transport };
    }
    default:
      throw new StateSyncError('invalid_option', `no built-in link for ${share.type} clients`);
  }
}

/** Reconnect delays after a lost link: at once, then doubling up to a ceiling. */
const RETRY_MS = [0, 100, 200, 400, 800, 1_600, 2_000];

/**
 * Links through `connector`, and again each time the link is lost: at once the first time, then
 * backing off while links keep failing (an authority that is still stopping), back to at once
 * after a welcome. A connector that throws `stopped` (an extension reloaded) ends it.
 */
export function connectVia(runtime: AppRuntime, connector: ClientConnector): Promise<void> {
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
