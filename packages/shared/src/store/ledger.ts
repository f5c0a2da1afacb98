import { compareRevisions, type Epoch, type Revision } from '@statesync/core/base';
import type { LedgerEntry, LiveRecord } from '../wire/protocol.js';

/** How many calls per store are remembered: far more than can be in flight at a failover. */
export const LEDGER_SIZE = 256;

/**
 * The authority's memory of the calls that changed a store, so a call re-sent with the same id
 * (after a failover, or duplicated on the way) is answered from here and not applied again.
 */
export interface CallLedger {
  get(id: string): LedgerEntry | undefined;
  record(entry: LedgerEntry): void;
  entries(): LedgerEntry[];
}

export function createCallLedger(initial: readonly LedgerEntry[] = []): CallLedger {
  const byId = new Map<string, LedgerEntry>();
  const record = (entry: LedgerEntry) => {
    byId.delete(entry[0]);
    byId.set(entry[0], entry);
    // A Map iterates in insertion order: the first key is the oldest.
    if (byId.size > LEDGER_SIZE) byId.delete(byId.keys().next().value!);
  };
  for (const entry of initial) record(entry);
  return { get: (id) => byId.get(id), record, entries: () => [...byId.values()] };
}

/**
 * A client's copy of a store's ledger, kept exactly as far as its mirror: entries arrive with
 * invalidations and snapshots, and count only once the mirror shows their revision. A tab that
 * is asked for its state at a failover hands over its mirror and this ledger, and the two agree.
 */
export interface MirrorLedger {
  /** Entries announced for `revision` of `epoch` (an invalidation's calls). */
  expect(epoch: Epoch | undefined, revision: Revision, entries: readonly LedgerEntry[]): void;
  /**
   * A snapshot's whole ledger, to be adopted if that snapshot is applied; with `live`, that
   * snapshot is a state DevTools travelled to, and `live` the state the authority holds.
   */
  expectWhole(
    epoch: Epoch | undefined,
    revision: Revision,
    entries: readonly LedgerEntry[],
    live?: LiveRecord,
  ): void;
  /** The mirror applied a delta up to `revision`. */
  applied(epoch: Epoch | undefined, revision: Revision): void;
  /** The mirror applied a whole snapshot at `revision`. */
  replaced(epoch: Epoch | undefined, revision: Revision): void;
  entries(): LedgerEntry[];
  /** The revision the mirror shows, as last applied; undefined before the first apply. */
  revision(): Revision | undefined;
  /** The epoch of that revision. */
  epoch(): Epoch | undefined;
  /** While the mirror shows a travelled state: the live one. */
  live(): LiveRecord | undefined;
}

export function createMirrorLedger(): MirrorLedger {
  let committed = createCallLedger();
  let shown: Revision | undefined;
  let shownEpoch: Epoch | undefined;
  let pending: { epoch: Epoch | undefined; entry: LedgerEntry }[] = [];
  const wholes = new Map<string, { entries: readonly LedgerEntry[]; live?: LiveRecord }>();
  let live: LiveRecord | undefined;
  const key = (epoch: Epoch | undefined, revision: Revision) => `${epoch ?? ''}@${revision}`;

  /** Commits the pending entries of `epoch` up to `revision`; the others wait or are stale. */
  const commit = (epoch: Epoch | undefined, revision: Revision) => {
    shown = revision;
    shownEpoch = epoch;
    live = undefined;
    // The common case, on every apply: no calls announced (any mode but SharedTab).
    if (pending.length === 0) return;
    const waiting: typeof pending = [];
    for (const item of pending) {
      if (item.epoch !== epoch) continue;
      if (compareRevisions(item.entry[1], revision) <= 0) committed.record(item.entry);
      else waiting.push(item);
    }
    pending = waiting;
  };

  return {
    expect(epoch, revision, entries) {
      for (const entry of entries) {
        if (compareRevisions(entry[1], revision) <= 0) pending.push({ epoch, entry });
      }
    },
    expectWhole(epoch, revision, entries, travelledFrom) {
      wholes.set(key(epoch, revision), { entries, ...(travelledFrom && { live: travelledFrom }) });
      // Only the latest few matter: the engine applies what it pulled last.
      if (wholes.size > 4) wholes.delete(wholes.keys().next().value!);
    },
    applied: commit,
    replaced(epoch, revision) {
      const whole = wholes.get(key(epoch, revision));
      wholes.clear();
      committed = createCallLedger(whole?.entries ?? []);
      commit(epoch, revision);
      live = whole?.live;
    },
    entries: () => committed.entries(),
    revision: () => shown,
    epoch: () => shownEpoch,
    live: () => live,
  };
}
