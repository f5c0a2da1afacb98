import {
  createRevisionSync,
  noopLogger,
  type RevisionSyncHandle,
  type RevisionSyncOptions,
  type StateSyncError,
  type SyncErrorContext,
} from '@statesync/core';
import {
  createTauriSnapshotProvider,
  type TauriSnapshotProviderOptions,
} from './tauri-provider.js';
import {
  createTauriInvalidationSubscriber,
  type TauriInvalidationSubscriberOptions,
} from './tauri-subscriber.js';

/**
 * Everything `createRevisionSync` takes except `subscriber` and `provider`, which are built from
 * `listen`/`eventName` and `invoke`/`commandName`.
 */
export interface TauriRevisionSyncOptions<T>
  extends Omit<RevisionSyncOptions<T>, 'subscriber' | 'provider'>,
    Pick<TauriInvalidationSubscriberOptions, 'listen' | 'eventName'>,
    TauriSnapshotProviderOptions {}

/**
 * Keeps one topic of a Tauri window in step with the Rust backend: listens for `eventName`,
 * pulls with `invoke(commandName)` and applies what is newer. Returns the handle of
 * `createRevisionSync`; call `start()` to begin and `stop()` to unlisten.
 *
 * A malformed event payload reaches `onError` as a `protocol` error (phase `protocol`, the raw
 * payload as `sourceEvent`) and is dropped.
 */
export function createTauriRevisionSync<T>(
  options: TauriRevisionSyncOptions<T>,
): RevisionSyncHandle {
  const { listen, eventName, invoke, commandName, args, revisionCommandName, ...engineOptions } =
    options;
  const { topic, onError } = options;
  const logger = options.logger ?? noopLogger;
  let handle: RevisionSyncHandle | undefined;

  // Reported as the engine reports a malformed event it checks itself.
  const onInvalidEvent = (error: StateSyncError, payload: unknown) => {
    logger.error('protocol failed', { code: error.code, message: error.message });
    const context: SyncErrorContext = { phase: 'protocol', topic, error, sourceEvent: payload };
    const localRevision = handle?.getLocalRevision();
    if (localRevision !== undefined) context.localRevision = localRevision;
    try {
      onError?.(context);
    } catch (thrown) {
      logger.error('onError threw', { error: thrown });
    }
  };

  const providerOptions: TauriSnapshotProviderOptions = { invoke, commandName };
  if (args !== undefined) providerOptions.args = args;
  if (revisionCommandName !== undefined) providerOptions.revisionCommandName = revisionCommandName;

  handle = createRevisionSync<T>({
    ...engineOptions,
    subscriber: createTauriInvalidationSubscriber({ listen, eventName, logger, onInvalidEvent }),
    provider: createTauriSnapshotProvider<T>(providerOptions),
  });
  return handle;
}
