import { toStateSyncError } from './errors.js';
import type { Report } from './reporter.js';
import type { RevisionGate } from './revision-gate.js';
import type {
  Delta,
  Epoch,
  InvalidationEvent,
  Logger,
  Revision,
  SnapshotApplier,
  Topic,
} from './types.js';
import { parseInvalidation } from './validate.js';

export interface InvalidationHandlerOptions<T> {
  topic: Topic;
  shouldRefresh: ((event: InvalidationEvent) => boolean) | undefined;
  gate: RevisionGate;
  /** Read on every event: whether events carrying a delta go to `applyDelta`. */
  applier: SnapshotApplier<T>;
  applyDelta(event: InvalidationEvent & { delta: Delta }): void;
  /** Asks for a snapshot of at least (revision, epoch). */
  pull(revision: Revision, epoch: Epoch | undefined): void;
  isStopped(): boolean;
  report: Report;
  logger: Logger;
  /** False when nobody reads debug lines, so hot paths skip building them. */
  debugging: boolean;
}

/**
 * The subscriber's handler: validation, topic, `shouldRefresh`, the revision gate, then a delta
 * or a pull.
 */
export function createInvalidationHandler<T>(
  options: InvalidationHandlerOptions<T>,
): (raw: unknown) => void {
  const { topic, shouldRefresh, gate, applier, applyDelta, pull, isStopped, report } = options;
  const { logger, debugging } = options;
  return (raw) => {
    if (isStopped()) return;
    let event: InvalidationEvent;
    try {
      event = parseInvalidation(raw);
    } catch (error) {
      report('protocol', toStateSyncError(error, 'protocol', 'invalid event'), {
        sourceEvent: raw,
      });
      return;
    }
    if (event.topic !== topic) return;
    if (shouldRefresh) {
      let wanted = true;
      try {
        wanted = shouldRefresh(event);
      } catch (error) {
        report('invalidation', toStateSyncError(error, 'invalid_option', 'shouldRefresh threw'), {
          eventRevision: event.revision,
        });
      }
      if (!wanted) {
        if (debugging) logger.debug('invalidation filtered', { revision: event.revision });
        return;
      }
    }
    // The self-echo path: every window sees its own writes come back, so keep it allocation-free.
    if (!gate.isAhead(event.revision, event.epoch)) {
      if (debugging) {
        logger.debug('invalidation skipped', {
          revision: event.revision,
          localRevision: gate.local()?.revision,
        });
      }
      return;
    }
    if (event.delta && applier.applyPatch) {
      applyDelta(event as InvalidationEvent & { delta: Delta });
      return;
    }
    pull(event.revision, event.epoch);
  };
}
