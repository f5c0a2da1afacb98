import type { Report } from './engine-context.js';
import { createReporter } from './reporter.js';
import type { RevisionGate } from './revision-gate.js';
import type { Logger, SyncErrorContext, Topic } from './types.js';

/** The engine's reports: `<phase> failed` (`, retrying` when it will), with the local revision. */
export function createEngineReporter(
  topic: Topic,
  logger: Logger,
  onError: ((context: SyncErrorContext) => void) | undefined,
  gate: RevisionGate,
): Report {
  const tell = createReporter<SyncErrorContext>(logger, onError, (context) => ({
    level: context.willRetry ? 'warn' : 'error',
    message: context.willRetry ? `${context.phase} failed, retrying` : `${context.phase} failed`,
    fields: { code: context.error.code, message: context.error.message },
  }));
  return (phase, error, extra) => {
    const context: SyncErrorContext = { phase, topic, error, ...extra };
    const revision = gate.local()?.revision;
    if (revision !== undefined) context.localRevision = revision;
    tell(context);
  };
}
