import { createReporter as createCoreReporter, type Logger } from '@statesync/core/base';
import type { SharedErrorContext } from '../types.js';

export type Report = (context: SharedErrorContext) => void;

const HEADLINES: Record<SharedErrorContext['phase'], string> = {
  message: 'message dropped',
  connect: 'could not connect to the authority',
  listener: 'a handler threw',
  sync: 'sync failed',
  fallback: 'fell back to another mode',
};

/** Logs a problem and tells `onError`; a throwing `onError` is logged, never rethrown. */
export function createReporter(
  logger: Logger,
  onError: ((context: SharedErrorContext) => void) | undefined,
): Report {
  return createCoreReporter(logger, onError, (context) => {
    // The engine logs its own failures, and a fallback its own warning.
    if (context.phase === 'sync' || context.phase === 'fallback') return undefined;
    const fields: Record<string, unknown> = {
      code: context.error.code,
      message: context.error.message,
    };
    if (context.store !== undefined) fields.store = context.store;
    return { level: 'warn', message: HEADLINES[context.phase], fields };
  });
}
