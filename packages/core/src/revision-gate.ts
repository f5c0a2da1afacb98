import { compareRevisions } from './revision.js';
import type { Epoch, Revision } from './types.js';

/** A revision and the epoch it belongs to (`undefined`: none given). */
export interface Mark {
  revision: Revision;
  epoch: Epoch | undefined;
}

/** What local state holds, what has been announced, and whether new data is worth taking. */
export interface RevisionGate {
  /** The revision and epoch local state holds; undefined before the first snapshot. */
  local(): Mark | undefined;
  /** Would data at (revision, epoch) be newer than what local state holds? */
  isAhead(revision: Revision, epoch: Epoch | undefined): boolean;
  /** Does local state hold exactly `revision`? An `epoch` of undefined matches any epoch. */
  holds(revision: Revision, epoch: Epoch | undefined): boolean;
  /** Does local state hold an epoch, and `epoch` name a different one? */
  isOtherEpoch(epoch: Epoch | undefined): boolean;
  /** Records that the authority announced (revision, epoch). */
  want(revision: Revision, epoch: Epoch | undefined): void;
  /** True while an announcement has not been reached. */
  pending(): boolean;
  /**
   * True while an announcement the authority owes has not been reached: one of the held epoch,
   * of no epoch, or of an epoch never held. One of an epoch this client left is only a hint
   * (most likely a late event), checked by a pull but never waited for.
   */
  owed(): boolean;
  /** Counts announcements that raised a target: two equal readings mean none came in between. */
  wantCount(): number;
  /** The newest announcement for local state's epoch, else the newest without an epoch. */
  announced(): Revision | undefined;
  /** Is (revision, epoch) older than what local state holds, in the same epoch? */
  isBehind(revision: Revision, epoch: Epoch | undefined): boolean;
  /**
   * Forgets the announcements local state has not reached: `'all'`, of any epoch (what the
   * authority would not serve; the next event announces a real one again), or `'left'`, only
   * those of epochs this client left (hints a pull has checked).
   */
  dropUnmet(which: 'all' | 'left'): void;
  /** The announcements not yet reached plus local state: what `served` checks later. */
  marks(): Mark[];
  /** Has local state reached every mark? A mark of another epoch than local state's is void. */
  served(marks: readonly Mark[]): boolean;
  /** Local state now holds (revision, epoch). The caller checked `isAhead` or has its reasons. */
  commit(revision: Revision, epoch: Epoch | undefined): void;
}

const EPOCHS_KEPT = 64;

function remember<K, V>(map: Map<K, V>, key: K, value: V) {
  map.delete(key);
  map.set(key, value);
  if (map.size > EPOCHS_KEPT) map.delete(map.keys().next().value as K);
}

export function createRevisionGate(initial: Mark | undefined): RevisionGate {
  let local = initial;
  /**
   * Newest revision announced per epoch and not yet reached (key `undefined`: events without an
   * epoch). Per epoch, because epochs have no order: a late event from an old epoch must not
   * hide the announcement of a new one. A reached target is cleared to undefined rather than
   * deleted: the next change announces it again, and a Map rehashes its table every few
   * deletes and re-adds.
   */
  const targets = new Map<Epoch | undefined, Revision | undefined>();
  let targetsChanged = 0;
  /**
   * Highest revision applied in each epoch. Epochs are random ids with no order, so a late
   * message from an epoch this client left is told apart only by being older than what it saw.
   */
  const highWater = new Map<Epoch, Revision>();
  /** The epoch `highWater` holds last, which a commit in the same epoch updates in place. */
  let newestEpoch: Epoch | undefined;
  if (local?.epoch !== undefined) {
    highWater.set(local.epoch, local.revision);
    newestEpoch = local.epoch;
  }

  const reached = (revision: Revision, epoch: Epoch | undefined) => {
    if (local === undefined) return false;
    if (epoch !== undefined && epoch !== local.epoch) return false;
    return compareRevisions(local.revision, revision) >= 0;
  };

  /** An epoch local state held before and holds no longer. */
  const left = (epoch: Epoch | undefined) =>
    epoch !== undefined && epoch !== local?.epoch && highWater.has(epoch);

  return {
    local: () => local,

    isAhead(revision, epoch) {
      if (local === undefined) return true;
      if (epoch === undefined || epoch === local.epoch) {
        return compareRevisions(revision, local.revision) > 0;
      }
      // Going back to an epoch this client left is allowed, but never to an older revision of it.
      const seen = highWater.get(epoch);
      return seen === undefined || compareRevisions(revision, seen) >= 0;
    },

    holds: (revision, epoch) =>
      local !== undefined &&
      revision === local.revision &&
      (epoch === undefined || epoch === local.epoch),

    isOtherEpoch: (epoch) =>
      local?.epoch !== undefined && epoch !== undefined && epoch !== local.epoch,

    want(revision, epoch) {
      const known = targets.get(epoch);
      if (known === undefined || compareRevisions(revision, known) > 0) {
        targets.set(epoch, revision);
        targetsChanged++;
      }
    },

    pending() {
      for (const [epoch, revision] of targets) {
        if (revision !== undefined && !reached(revision, epoch)) return true;
      }
      return false;
    },

    owed() {
      for (const [epoch, revision] of targets) {
        if (revision !== undefined && !reached(revision, epoch) && !left(epoch)) return true;
      }
      return false;
    },

    wantCount: () => targetsChanged,

    announced: () => targets.get(local?.epoch) ?? targets.get(undefined),

    isBehind: (revision, epoch) =>
      local !== undefined &&
      (epoch === undefined || epoch === local.epoch) &&
      compareRevisions(revision, local.revision) < 0,

    dropUnmet(which) {
      for (const [epoch, revision] of targets) {
        if (which === 'left' && !left(epoch)) continue;
        if (epoch !== local?.epoch) targets.delete(epoch);
        else if (revision !== undefined && !reached(revision, epoch)) targets.set(epoch, undefined);
      }
    },

    marks() {
      const marks: Mark[] = [];
      for (const [epoch, revision] of targets) {
        if (revision !== undefined) marks.push({ revision, epoch });
      }
      if (local) marks.push({ ...local });
      return marks;
    },

    served: (marks) =>
      marks.every(
        (m) => reached(m.revision, m.epoch) || (m.epoch !== undefined && m.epoch !== local?.epoch),
      ),

    commit(revision, epoch) {
      if (epoch !== undefined && epoch !== local?.epoch) {
        // An epoch-less announcement counted in the old epoch.
        targets.delete(undefined);
        // Slots cleared in the old epoch: no event will name it again but a late one.
        for (const [e, r] of targets) if (r === undefined) targets.delete(e);
      }
      local = { revision, epoch: epoch ?? local?.epoch };
      if (local.epoch === newestEpoch) {
        // Already the newest entry: setting it keeps the order remember() would give.
        if (newestEpoch !== undefined) highWater.set(newestEpoch, revision);
      } else if (local.epoch !== undefined) {
        remember(highWater, local.epoch, revision);
        newestEpoch = local.epoch;
      }
      for (const [e, r] of targets) if (r !== undefined && reached(r, e)) targets.set(e, undefined);
    },
  };
}
