import type { StateSyncError } from './errors.js';
import type { Logger, Revision, SyncErrorContext, SyncPhase, Topic } from './types.js';

/** Tells the logger and `onError` about one failure. */
export type Report = (
  phase: SyncPhase,
  error: StateSyncError,
  extra: Partial<SyncErrorContext>,
) => void;

export interface ReporterOptions {
  topic: Topic;
  logger: Logger;
  onError: ((context: SyncErrorContext) => void) | undefined;
  /** The local revision at the time of the failure. */
  localRevision(): Revision | undefined;
}

/** Non-fatal problems go to `onError` and the logger; a throwing `onError` is only logged. */
export function createReporter({ topic, logger, onError, localRevision }: ReporterOptions): Report {
  return (phase, error, extra) => {
    const context: SyncErrorContext = { phase, topic, error, ...extra };
    const revision = localRevision();
    if (revision !== undefined) context.localRevision = revision;
    const line = { code: error.code, message: error.message };
    if (extra.willRetry) logger.warn(`${phase} failed, retrying`, line);
    else logger.error(`${phase} failed`, line);
    try {
      onError?.(context);
    } catch (thrown) {
      logger.error('onError threw', { error: thrown });
    }
  };
}
