/**
 * What the chaos schedules count, and the forged invalidations they send: messages no authority
 * sends, each carrying {@link MARK} in the data it would write, so applying one shows. Every
 * forgery here must be refused or ignored by a client. A well-formed delta that continues the
 * authority's own sequence cannot be told from the authority's and is not a forgery here.
 */
import { nextRevision, type Revision } from '@statesync/core';

/** Found in the data of every forged message; never in the authority's. */
export const MARK = 'forged-7f3a';

export interface ChaosCounts {
  schedules: number;
  messages: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  restarts: number;
  forgedSent: number;
  divergences: number;
  regressions: number;
  forgedApplied: number;
  /** Clients whose `refresh()` rejected once traffic stopped. */
  stalls: number;
  /** Pulls answered older than the client held when it asked (a lagging authority). */
  lagged: number;
  /** Clients that got such answers and were never told through `onError`. */
  staleUnreported: number;
}

/** The authority's state a forger knows: what it last saw on the channel. */
export interface Seen {
  topic: string;
  revision: Revision;
  epoch: string | undefined;
}

/** Makes one forged event body (`topic`, `revision`, `epoch`, `delta`...). */
export type Forgery = (seen: Seen, random: () => number) => unknown;

/** The schedule seed of `index` under `seed`: every schedule replays on its own. */
export function scheduleSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

const one = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)] as T;

const previous = (revision: Revision): Revision =>
  revision === '0' ? '0' : (BigInt(revision) - 1n).toString();

/** Ops that would write MARK, and that a client must refuse. */
const badOps = (random: () => number): unknown =>
  one(random, [
    [{ op: 'add', path: ['__proto__', MARK], value: MARK }],
    [{ op: 'add', path: ['constructor', 'prototype', MARK], value: MARK }],
    [{ op: 'add', path: ['n', 'deep'], value: MARK }],
    [{ op: 'merge', path: ['n'], value: MARK }],
    [{ op: 'replace', path: 'n', value: MARK }],
    [{ op: 'replace', path: ['items', 99], value: MARK }],
    'not ops',
  ]);

/** Ops any object state takes, so a client that took the delta they come in shows it. */
const goodOps = () => [{ op: 'add', path: [MARK], value: MARK }];

const DEFAULT: readonly Forgery[] = [
  // Another topic, continuing this topic's sequence.
  (seen) => ({
    ...seen,
    topic: `${seen.topic}-other`,
    revision: nextRevision(seen.revision),
    delta: { base: seen.revision, ops: goodOps() },
  }),
  // Revisions that are not canonical.
  (seen, random) => ({
    ...seen,
    revision: one(random, ['01', '-1', '1.5', '', ' 1', 42, null, '1e3', '0x10']),
    delta: { base: seen.revision, ops: goodOps() },
  }),
  // A delta from a base that is not canonical.
  (seen, random) => ({
    ...seen,
    revision: nextRevision(seen.revision),
    delta: { base: one(random, ['-0', '00', 7, null]), ops: goodOps() },
  }),
  // Epochs that are not ids.
  (seen, random) => ({
    ...seen,
    epoch: one(random, [42, '', null, {}, []]),
    revision: nextRevision(seen.revision),
    delta: { base: seen.revision, ops: goodOps() },
  }),
  // A delta that does not go forward.
  (seen) => ({ ...seen, delta: { base: seen.revision, ops: goodOps() } }),
  // Ops that reach the prototype, go through a number, or are not ops at all.
  (seen, random) => ({
    ...seen,
    delta: { base: previous(seen.revision), ops: badOps(random) },
  }),
  // A delta that is not one.
  (seen, random) => ({ ...seen, delta: one(random, [null, MARK, [], { ops: goodOps() }]) }),
  // Not an event.
  (seen, random) => one(random, [null, MARK, 42, [], { topic: seen.topic }, { revision: '1' }]),
];

/**
 * Poison: revisions or epochs the authority will never serve. A client must drop such a target
 * after its bounded retries; until that is so, these stall a client and run only when asked.
 */
const FLAGGED: readonly Forgery[] = [
  (seen) => ({ ...seen, revision: '18446744073709551615' }),
  (seen) => ({ ...seen, revision: nextRevision(nextRevision(seen.revision)) }),
  (seen) => ({ ...seen, epoch: `forged-${MARK}`, revision: '1' }),
];

export function forgeries(flagged: boolean): readonly Forgery[] {
  return flagged ? [...DEFAULT, ...FLAGGED] : DEFAULT;
}

/** Every count at 0. */
export function emptyCounts(): ChaosCounts {
  return {
    schedules: 0,
    messages: 0,
    dropped: 0,
    duplicated: 0,
    reordered: 0,
    restarts: 0,
    forgedSent: 0,
    divergences: 0,
    regressions: 0,
    forgedApplied: 0,
    stalls: 0,
    lagged: 0,
    staleUnreported: 0,
  };
}

/** Adds `next` into `total`. */
export function addCounts(total: ChaosCounts, next: ChaosCounts): void {
  for (const key of Object.keys(total) as (keyof ChaosCounts)[]) total[key] += next[key];
}

/** One line: the seed, then every count. */
export function formatCounts(layer: string, seed: number, counts: ChaosCounts): string {
  const parts = Object.entries(counts).map(([key, value]) => `${key}=${value}`);
  return `chaos ${layer} seed=${seed} ${parts.join(' ')}`;
}
