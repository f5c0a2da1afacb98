import type { Authority } from './authority.js';
import { createRandom } from './random.js';
import type {
  InvalidationEvent,
  InvalidationSubscriber,
  Revision,
  SnapshotEnvelope,
  SnapshotProvider,
  Timers,
} from './types.js';

/** Probabilities (0..1) and delays of the faults a {@link TestBus} injects. */
export interface Faults {
  /** An invalidation to one client is lost. */
  drop?: number;
  /** An invalidation to one client arrives twice. */
  duplicate?: number;
  /** An invalidation is held back by an extra `delayMs`, so later ones overtake it. */
  reorder?: number;
  /** Each delivery and each pull answer waits a random 0..delayMs. */
  delayMs?: number;
  /** A pull fails instead of answering. */
  failPull?: number;
  /**
   * A pull is answered with an earlier snapshot, possibly of a previous epoch, as a lagging
   * replica or a dying old leader would.
   */
  stalePull?: number;
}

export interface TestBusOptions<T> {
  authority: Authority<T>;
  /** Same seed, same schedule: print it so a failure replays. */
  seed: number;
  faults?: Faults;
  /** Usually a virtual clock from `createVirtualClock`. */
  timers: Timers;
}

export interface TestBusLink<T> {
  subscriber: InvalidationSubscriber;
  provider: SnapshotProvider<T>;
}

export interface TestBusStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  pulls: number;
  failedPulls: number;
  stalePulls: number;
}

export interface TestBus<T> {
  /** A new client link to the authority, subject to the faults. */
  connect(): TestBusLink<T>;
  setFaults(faults: Faults): void;
  /** No more faults from now on (messages already in flight still arrive late). */
  heal(): void;
  /** Restarts the authority: new epoch, counter from `revision` ("0" by default). */
  restartAuthority(options?: { data?: T; revision?: Revision }): InvalidationEvent;
  /** Subscriptions still open: 0 once every client stopped. */
  openCount(): number;
  /** Detaches from the authority and drops every client subscription. Idempotent. */
  dispose(): void;
  readonly stats: Readonly<TestBusStats>;
}

/**
 * Connects an authority to clients through a seeded, lossy medium: drops, duplicates,
 * reorders and delays invalidations, delays and fails pulls, restarts the authority.
 */
export function createTestBus<T>(options: TestBusOptions<T>): TestBus<T> {
  const { authority, timers } = options;
  const random = createRandom(options.seed);
  let faults: Faults = { ...options.faults };
  const handlers = new Set<(event: InvalidationEvent) => void>();
  const stats: TestBusStats = {
    sent: 0,
    delivered: 0,
    dropped: 0,
    duplicated: 0,
    reordered: 0,
    pulls: 0,
    failedPulls: 0,
    stalePulls: 0,
  };
  const HISTORY = 32;
  const history: SnapshotEnvelope<T>[] = [authority.getSnapshot()];
  const chance = (p: number | undefined) => p !== undefined && p > 0 && random() < p;
  const delay = () => Math.floor(random() * (faults.delayMs ?? 0));

  const detach = authority.subscribe((event) => {
    history.push(authority.getSnapshot());
    if (history.length > HISTORY) history.shift();
    for (const handler of [...handlers]) {
      stats.sent++;
      if (chance(faults.drop)) {
        stats.dropped++;
        continue;
      }
      const copies = chance(faults.duplicate) ? 2 : 1;
      if (copies === 2) stats.duplicated++;
      for (let i = 0; i < copies; i++) {
        let wait = delay();
        if (chance(faults.reorder)) {
          stats.reordered++;
          wait += faults.delayMs ?? 1;
        }
        const copy = structuredClone(event);
        timers.setTimeout(() => {
          if (!handlers.has(handler)) return;
          stats.delivered++;
          handler(copy);
        }, wait);
      }
    }
  });

  return {
    stats,
    setFaults(next) {
      faults = { ...next };
    },
    heal() {
      faults = {};
    },
    restartAuthority: (restart) => authority.restart(restart),
    openCount: () => handlers.size,
    dispose() {
      detach();
      handlers.clear();
    },
    connect() {
      return {
        subscriber: {
          subscribe(handler) {
            const own = (event: InvalidationEvent) => handler(event);
            handlers.add(own);
            return () => {
              handlers.delete(own);
            };
          },
        },
        provider: {
          getSnapshot({ signal }) {
            stats.pulls++;
            return new Promise<SnapshotEnvelope<T>>((resolve, reject) => {
              // An already aborted signal never fires 'abort'.
              if (signal.aborted) {
                reject(signal.reason);
                return;
              }
              const fail = chance(faults.failPull);
              const stale = !fail && chance(faults.stalePull);
              const timer = timers.setTimeout(() => {
                signal.removeEventListener('abort', onAbort);
                if (fail) {
                  stats.failedPulls++;
                  reject(new Error('injected pull failure'));
                } else if (stale) {
                  stats.stalePulls++;
                  const old =
                    history[Math.floor(random() * history.length)] ?? authority.getSnapshot();
                  resolve(structuredClone(old));
                } else {
                  // Answered with the state at answer time, as a real authority would.
                  resolve(structuredClone(authority.getSnapshot()));
                }
              }, delay());
              const onAbort = () => {
                timers.clearTimeout(timer);
                reject(signal.reason);
              };
              signal.addEventListener('abort', onAbort, { once: true });
            });
          },
        },
      };
    },
  };
}
