import { withDeadline } from './deadline.js';
import type { EngineContext } from './engine-context.js';
import { isStateSyncError, toStateSyncError } from './errors.js';
import type { RevisionStamp } from './types.js';
import { parseStamp } from './validate.js';

/** Revisions the applier reached by itself: restored from storage, or passed along by a sibling. */
export interface Hydration {
  /** Starts from the revision `restore` (the applier's `hydrate`) returns, if it is newer. */
  restore(restore: () => unknown): Promise<void>;
  /** Takes a `watchRevision` stamp. */
  adopt(raw: RevisionStamp): void;
}

export function createHydration<T>(context: EngineContext<T>): Hydration {
  const { gate, commit, pull, isStopped, report, logger, debugging } = context;
  return {
    async restore(restore) {
      try {
        const raw = await withDeadline(restore(), {
          timeoutMs: context.applyTimeoutMs,
          timers: context.timers,
          what: 'hydrate()',
          until: context.stopped,
        });
        if (raw === undefined || isStopped()) return;
        const stamp = parseStamp(raw, 'hydrate() result');
        if (!gate.isAhead(stamp.revision, stamp.epoch)) return;
        commit(stamp.revision, stamp.epoch);
        if (debugging) logger.debug('hydrated', { revision: stamp.revision });
      } catch (thrown) {
        if (isStateSyncError(thrown, 'stopped')) return;
        report('start', toStateSyncError(thrown, 'apply_failed', 'hydrate() failed'), {});
      }
    },

    /**
     * Within the held epoch a stamp is adopted; another epoch is only an announcement (a sibling
     * may have seen the authority restart), so the engine pulls and lets the authority confirm it.
     */
    adopt(raw) {
      if (isStopped()) return;
      let stamp: RevisionStamp;
      try {
        stamp = parseStamp(raw, 'watchRevision stamp');
      } catch (error) {
        report('protocol', toStateSyncError(error, 'protocol', 'invalid stamp'), {
          sourceEvent: raw,
        });
        return;
      }
      if (!gate.isAhead(stamp.revision, stamp.epoch)) return;
      if (gate.isOtherEpoch(stamp.epoch)) {
        pull(stamp.revision, stamp.epoch);
        return;
      }
      commit(stamp.revision, stamp.epoch);
    },
  };
}
