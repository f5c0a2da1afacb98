import type { Logger } from '@statesync/core';
import type { SharedErrorContext } from '../types.js';

export type Report = (context: SharedErrorContext) => void;

const HEADLINES: Record<SharedErrorContext['phase'], string> = {
  message: 'message dropped',
  connect: 'could not connect to the authority',
  listener: 'a handler threw',
  sync: 'sync failed',
};

/** Logs a problem and tells `onError`; a throwing `onError` is logged, never rethrown. */
export function createReporter(
  logger: Logger,
  onError: ((context: SharedErrorContext) => void) | undefined,
): Report {
  return (context) => {
    const line: Record<string, unknown> = {
      code: context.error.code,
      message: context.error.message,
    };
    if (context.store !== undefined) line.store = context.store;
    // The engine logs its own failures; only the shared layer's are logged here.
    if (context.phase !== 'sync') logger.warn(HEADLINES[context.phase], line);
    try {
      onError?.(context);
    } catch (error) {
      logger.error('onError threw', { error });
    }
  };
}
