import { StateSyncError, type Transport } from '@statesync/core';
import { openSharedWorker } from '../links/shared-worker.js';
import type { SharedWorkerConstructor } from '../types.js';
import { type AppRuntime, disposed, type FallBack } from './app-runtime.js';

/** `SharedWorker`: link to the app's worker; fall back when it cannot start or refuses. */
export function startWorker(
  runtime: AppRuntime,
  workerURL: string | URL,
  Worker: SharedWorkerConstructor | undefined,
  fallBack: FallBack,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let release = () => {};
    let fellBack = false;
    let linked = false;
    const fail = (reason: string) => {
      if (fellBack) return;
      if (runtime.isDisposing()) {
        reject(disposed(runtime));
        return;
      }
      if (linked) {
        runtime.logger.warn('the SharedWorker reported an error', { reason });
        return;
      }
      fellBack = true;
      release();
      fallBack('SharedWorker', reason).then(resolve, reject);
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
      (error: unknown) => {
        const reason = (error as Error).message;
        // On a busy machine the welcome timeout can beat the worker's own error event: name the
        // script there too.
        const silent = error instanceof StateSyncError && error.code === 'timeout';
        fail(silent ? `${reason}; check that ${String(workerURL)} loads` : reason);
      },
    );
  });
}
