import { isStateSyncError, type Logger, type Timers, type Unsubscribe } from '@statesync/core';
import type { TabHub } from '../links/tab-hub.js';

export interface TabElectionOptions {
  /** The Web Lock whose holder leads. */
  lock: string;
  /** `navigator.locks`; without it, tabs elect over the hub (see below). */
  locks: LockManager | undefined;
  hub: TabHub;
  timers: Timers;
  logger: Logger;
  /** This tab leads from now on, until it closes, disposes or is deposed. */
  onElected(): void;
  /**
   * Without Web Locks only: another tab, with a lower id, was elected in the same round (a
   * claim or a beat arrived late). Returns whether this tab stepped down: it can until it
   * serves; after that it keeps office.
   */
  onDeposed(by: string): boolean;
}

/** How often a leader elected without Web Locks says it is alive, and when silence is death. */
export const BEAT_MS = 250;
export const SILENCE_MS = 1_000;
/** How long claims are collected before the lowest id takes office. */
export const CLAIM_MS = 150;

/**
 * Elects one leader among the tabs of an app. With Web Locks, the leader is the tab holding
 * the lock: the browser hands it to the next tab in line the moment the holder closes, reloads
 * or crashes. Without them, the leader beats on the hub; after `SILENCE_MS` without a beat, the
 * tabs claim and the lowest id wins. Returns a function that steps down (or out of line).
 */
export function startTabElection(options: TabElectionOptions): Unsubscribe {
  return options.locks ? lockElection(options, options.locks) : beatElection(options);
}

function lockElection({ lock, onElected, logger }: TabElectionOptions, locks: LockManager) {
  const abort = new AbortController();
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  locks
    .request(lock, { signal: abort.signal }, () => {
      onElected();
      return held;
    })
    .catch((error: unknown) => {
      if (!abort.signal.aborted) logger.error('the leader election failed', { error });
    });
  return () => {
    abort.abort();
    release();
  };
}

function beatElection({ hub, timers, onElected, onDeposed }: TabElectionOptions): Unsubscribe {
  let leading = false;
  let stopped = false;
  let lastBeat = -Infinity;
  /** Claims heard lately, by tab, with when: a claim heard just before this tab claims counts. */
  const claims = new Map<string, number>();
  let timer: unknown;

  const schedule = (ms: number, run: () => void) => {
    timer = timers.setTimeout(() => {
      if (!stopped) run();
    }, ms);
  };
  const beat = () => {
    hub.signal('beat');
    schedule(BEAT_MS, beat);
  };
  const watch = () => {
    if (timers.now() - lastBeat >= SILENCE_MS) claim();
    else schedule(BEAT_MS, watch);
  };
  const claim = () => {
    const opened = timers.now();
    claims.set(hub.id, opened);
    hub.signal('claim');
    schedule(CLAIM_MS, () => {
      const rivals = [...claims].filter(([, at]) => at >= opened - CLAIM_MS).map(([id]) => id);
      claims.clear();
      if (rivals.sort()[0] === hub.id && timers.now() - lastBeat >= SILENCE_MS) {
        leading = true;
        onElected();
        beat();
      } else {
        // Another tab won this round: give it one silence to start beating.
        lastBeat = Math.max(lastBeat, timers.now());
        schedule(BEAT_MS, watch);
      }
    });
  };

  const offs = [
    hub.on('beat', (body, from) => {
      const resigned = (body as { resigned?: boolean } | undefined)?.resigned;
      if (resigned) {
        lastBeat = -Infinity;
        return;
      }
      lastBeat = timers.now();
      // Two tabs elected in one round (a claim came late): the lower id keeps office.
      if (leading && from < hub.id && onDeposed(from)) {
        leading = false;
        timers.clearTimeout(timer);
        schedule(BEAT_MS, watch);
      }
    }),
    hub.on('claim', (_body, from) => {
      const now = timers.now();
      for (const [id, at] of claims) if (at < now - 2 * CLAIM_MS) claims.delete(id);
      claims.set(from, now);
    }),
  ];
  // A new tab waits one silence for a leader before claiming.
  lastBeat = timers.now();
  schedule(BEAT_MS, watch);
  return () => {
    stopped = true;
    timers.clearTimeout(timer);
    for (const off of offs) off();
    if (!leading) return;
    try {
      hub.signal('beat', { resigned: true });
    } catch (error) {
      // The hub was closed first (teardown runs in any order): no tab is left to tell.
      if (!isStateSyncError(error, 'stopped')) throw error;
    }
  };
}
