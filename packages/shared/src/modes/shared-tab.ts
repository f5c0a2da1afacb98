import {
  compareRevisions,
  type Logger,
  type Timers,
  type Transport,
  type Unsubscribe,
  watchPageLifecycle,
} from '@statesync/core';
import type { TabHub } from '../links/tab-hub.js';
import { recordProblem, type StoreRecord } from '../store/store-record.js';
import type { ServerTransport } from '../types.js';
import { leaderLock } from '../wire/names.js';
import { startTabElection } from './tab-election.js';

/** How long a new leader waits for the other tabs' mirrors before it serves. */
export const RECOVER_MS = 400;

export interface SharedTabOptions {
  app: string;
  hub: TabHub;
  locks: LockManager | undefined;
  timers: Timers;
  logger: Logger;
  /** The Web Lock every tab of the app holds for its life: `<prefix><tab id>`. */
  tabLockPrefix: string;
  /** This tab's copies of its stores, by store name. */
  copies(): Record<string, StoreRecord>;
  /** The persisted copies, when the app persists its stores. */
  stored?(): Promise<Record<string, StoreRecord>>;
  /** This tab was elected: serve `server` with stores recovered from the newest copies. */
  lead(recovered: Map<string, StoreRecord>, server: ServerTransport): void;
  /** Another tab leads: link to it. Settles once welcomed, or rejects when not. */
  follow(link: Transport): Promise<void>;
}

/**
 * Runs the `SharedTab` mode of one tab: stands in line for the leadership, follows whichever
 * tab leads, and when elected, recovers every store from the newest copy among its own
 * mirrors, the other tabs' mirrors and the persisted copy before it serves.
 */
export function startSharedTab(options: SharedTabOptions): Unsubscribe {
  const { hub, timers, logger } = options;
  let leader: string | undefined;
  let leading = false;
  let serving = false;
  let stopped = false;

  const follow = (next: string) => {
    if (leading || next === leader || stopped) return;
    leader = next;
    logger.debug('following the leader tab', { leader: next });
    options.follow(hub.link(next)).catch((error: unknown) => {
      // No welcome (that tab is gone, or was not serving yet): ask again who leads.
      if (leader !== next || stopped) return;
      logger.debug('the leader tab did not answer; asking again', { leader: next, error });
      leader = undefined;
      hub.signal('who');
    });
  };

  /** The ids of the other tabs alive now, from their locks; undefined without Web Locks. */
  const liveTabs = async (): Promise<Set<string> | undefined> => {
    if (!options.locks) return undefined;
    const { held = [] } = await options.locks.query();
    const ids = held
      .map((lock) => lock.name ?? '')
      .filter((name) => name.startsWith(options.tabLockPrefix))
      .map((name) => name.slice(options.tabLockPrefix.length));
    return new Set(ids.filter((id) => id !== hub.id));
  };

  const collectCopies = async (): Promise<Record<string, StoreRecord>[]> => {
    const expected = await liveTabs();
    const replies = new Map<string, Record<string, StoreRecord>>();
    await new Promise<void>((resolve) => {
      const complete = () => expected !== undefined && [...expected].every((id) => replies.has(id));
      const timer = timers.setTimeout(finish, RECOVER_MS);
      const off = hub.on('state', (body, from) => {
        if (typeof body === 'object' && body !== null) {
          replies.set(from, body as Record<string, StoreRecord>);
        }
        if (complete()) finish();
      });
      function finish() {
        timers.clearTimeout(timer);
        off();
        resolve();
      }
      if (complete()) finish();
      else hub.signal('recover');
    });
    const stored = await options.stored?.().catch((error: unknown) => {
      logger.warn('the persisted copy could not be read', { error });
      return {};
    });
    return [options.copies(), ...replies.values(), ...(stored ? [stored] : [])];
  };

  let term = 0;
  const onElected = () => {
    leading = true;
    leader = hub.id;
    const elected = ++term;
    void collectCopies().then((copies) => {
      if (stopped || elected !== term) return;
      const recovered = newest(copies, logger);
      logger.info('this tab leads now', {
        recovered: Object.fromEntries(
          [...recovered].map(([name, start]) => [name, start.revision]),
        ),
      });
      options.lead(recovered, hub.serve());
      serving = true;
      hub.signal('leader');
    });
  };

  const offs = [
    hub.on('leader', (_body, from) => follow(from)),
    hub.on('who', (_body, from) => {
      if (serving) hub.signal('leader', undefined, from);
    }),
    hub.on('recover', (_body, from) => {
      if (!leading) hub.signal('state', options.copies(), from);
    }),
    startTabElection({
      lock: leaderLock(options.app),
      locks: options.locks,
      hub,
      timers,
      logger,
      onElected,
      onDeposed(by) {
        if (serving) {
          logger.error('another tab leads too; this tab keeps serving its clients', { leader: by });
          return false;
        }
        logger.debug('another tab was elected in the same round; following it', { leader: by });
        term++;
        leading = false;
        leader = undefined;
        // The winner asked for the mirrors while this tab thought it led: send them now.
        hub.signal('state', options.copies(), by);
        hub.signal('who');
        return true;
      },
    }),
    // A tab back from the back/forward cache or from being frozen may have missed a new leader.
    watchPageLifecycle(() => {
      if (!leading) hub.signal('who');
    }),
  ];
  hub.signal('who');

  return () => {
    stopped = true;
    for (const off of offs) off();
  };
}

/** For every store, the copy with the highest revision (revisions go on across leaders). */
function newest(
  copies: readonly Record<string, StoreRecord>[],
  logger: Logger,
): Map<string, StoreRecord> {
  const best = new Map<string, StoreRecord>();
  for (const copy of copies) {
    for (const [name, candidate] of Object.entries(copy)) {
      const problem = recordProblem(candidate);
      if (problem !== undefined) {
        logger.warn(`a recovered copy of "${name}" is skipped: ${problem}`, { store: name });
        continue;
      }
      const known = best.get(name);
      if (!known || compareRevisions(candidate.revision, known.revision) > 0) {
        best.set(name, candidate);
      }
    }
  }
  return best;
}
