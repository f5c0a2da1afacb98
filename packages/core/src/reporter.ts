import type { StateSyncError } from './errors.js';
import type { Logger } from './types.js';

/** The log line for one problem; `undefined` logs nothing (someone else logged it). */
export interface ReportLine {
  level: 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** Tells the logger and `onError` about one problem. */
export type Reporter<C> = (context: C) => void;

/**
 * Non-fatal problems go to the logger and to `onError`, in that order; a throwing `onError` is
 * only logged, never rethrown. `describe` turns a context into its log line.
 */
export function createReporter<C extends { error: StateSyncError }>(
  logger: Logger,
  onError: ((context: C) => void) | undefined,
  describe: (context: C) => ReportLine | undefined,
): Reporter<C> {
  return (context) => {
    const line = describe(context);
    if (line) logger[line.level](line.message, line.fields);
    try {
      onError?.(context);
    } catch (thrown) {
      logger.error('onError threw', { error: thrown });
    }
  };
}
