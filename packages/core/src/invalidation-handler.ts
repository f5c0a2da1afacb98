import type { EngineContext } from './engine-context.js';
import { toStateSyncError } from './errors.js';
import type { Delta, InvalidationEvent } from './types.js';
import { parseInvalidation } from './validate.js';

/**
 * The subscriber's handler: validation, topic, `shouldRefresh`, the revision gate, then a delta
 * or a pull.
 */
export function createInvalidationHandler<T>(
  context: EngineContext<T>,
  applyDelta: (event: InvalidationEvent & { delta: Delta }) => void,
): (raw: unknown) => void {
  const { topic, shouldRefresh, gate, applier, pull, isStopped, report } = context;
  const { logger, debugging } = context;
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
