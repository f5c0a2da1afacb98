import {
  compareRevisions,
  type Epoch,
  isThenable,
  type Logger,
  type ResultMessage,
  type Revision,
} from '@statesync/core';
import { create } from 'mutative';
import { findAction } from '../store/define-store.js';
import { keepEqual } from '../store/keep-equal.js';
import type { MirrorLedger } from '../store/ledger.js';
import type { AnyStoreDefinition } from '../types.js';

/**
 * A store's optimistic calls in flight, as its client shows them: the confirmed state with
 * each call's action run over it, in call order. Loaded with `import()` by a client whose app
 * has a store that lists `optimistic` actions; no other page carries it (nor `mutative`).
 */
export interface Guesses {
  /**
   * Shows call `id` at once, if `action` is one of the store's optimistic actions: the action
   * run on what is shown now. An action that throws (or returns a promise) shows nothing. The
   * guess goes once the confirmed state holds the call, and at the latest once `settled`
   * settles: at once when the call fails.
   */
  add(id: string, action: string, args: readonly unknown[], settled: Promise<unknown>): void;
  /** Whether call `id` is shown as a guess. */
  has(id: string): boolean;
  /**
   * The authority says its change at `revision` of `epoch` holds calls `ids`: their guesses go
   * in the apply that brings the confirmed state there (now, if it is there already).
   */
  landed(epoch: Epoch | undefined, revision: Revision, ids: unknown): void;
  /** The authority's answer to a call: a success says where it applied it. */
  answered(result: ResultMessage): void;
}

/** What the guesses need of a client's mirror (`client/mirror.ts`). */
export interface GuessedMirror {
  readonly ledger: MirrorLedger;
  getState(): object;
  confirmed(): object;
  show(confirmed: object): void;
  guesses?: Guesses;
}

interface Guess {
  id: string;
  action: (draft: unknown, ...args: unknown[]) => unknown;
  name: string;
  args: unknown[];
  /** Where the authority applied it, once known. */
  at?: { epoch: Epoch | undefined; revision: Revision };
}

/** The guesses of `mirror`'s store, made once per mirror and kept across links. */
export function attachGuesses(
  definition: AnyStoreDefinition,
  mirror: GuessedMirror,
  logger: Logger,
): Guesses {
  if (mirror.guesses) return mirror.guesses;
  const names = new Set(definition.optimistic);
  let pending: Guess[] = [];
  /** The last layering: its confirmed base, the state shown and how many guesses it holds. */
  let base: object | undefined;
  let shown: object | undefined;
  let count = 0;
  /** A guess went since the last showing: what is shown next keeps the parts it got right. */
  let went = false;

  const run = (state: object, guess: Guess): object => {
    try {
      return create(state, (draft) => {
        const returned = guess.action(draft, ...guess.args);
        if (isThenable(returned)) throw new Error('an action must be synchronous');
      });
    } catch (error) {
      // The authority decides: its answer shows the truth, or rejects the call.
      logger.debug('optimistic action threw; nothing shown for it', {
        store: definition.name,
        action: guess.name,
        error,
      });
      return state;
    }
  };

  /** Whether the confirmed state the mirror shows holds `guess`'s call. */
  const holds = (guess: Guess, known: ReadonlySet<string> | undefined) => {
    if (known?.has(guess.id)) return true;
    const revision = mirror.ledger.revision();
    return (
      guess.at !== undefined &&
      revision !== undefined &&
      guess.at.epoch === mirror.ledger.epoch() &&
      compareRevisions(guess.at.revision, revision) <= 0
    );
  };

  const layer = (confirmed: object): object => {
    if (pending.length === 0) {
      base = undefined;
      shown = undefined;
      return confirmed;
    }
    if (confirmed !== base) {
      // A new confirmed state: what it holds is no guess any more; the rest is run again on it.
      const entries = mirror.ledger.entries();
      const known = entries.length > 0 ? new Set(entries.map(([id]) => id)) : undefined;
      const before = pending.length;
      pending = pending.filter((guess) => !holds(guess, known));
      went ||= pending.length !== before;
      base = confirmed;
      shown = confirmed;
      count = 0;
    }
    // Guesses added since the last layering run on top of it.
    for (; count < pending.length; count++) shown = run(shown!, pending[count]!);
    return shown!;
  };

  // The mirror's own: it freezes what it shows in development.
  const publish = mirror.show;
  // A guess that was right re-renders nothing when the authority's state replaces it.
  const show = () => {
    const next = layer(mirror.confirmed());
    const keep = went;
    went = false;
    publish(keep ? (keepEqual(mirror.getState(), next) as object) : next);
  };
  /** Shows the state again from scratch: after a guess went. */
  const reshow = () => {
    base = undefined;
    show();
  };

  const guesses: Guesses = {
    add(id, name, args, settled) {
      const action = names.has(name) ? findAction(definition, name) : undefined;
      if (!action) return;
      let copy: unknown[];
      try {
        // The authority gets a copy: so does the guess, so the caller's objects stay its own.
        copy = structuredClone(args) as unknown[];
      } catch {
        return;
      }
      pending.push({ id, action, name, args: copy });
      show();
      const drop = () => {
        const before = pending.length;
        pending = pending.filter((guess) => guess.id !== id);
        if (pending.length === before) return;
        went = true;
        reshow();
      };
      settled.then(drop, drop);
    },
    has: (id) => pending.some((guess) => guess.id === id),
    landed(epoch, revision, ids) {
      // An invalidation's `applied`, unchecked on arrival: only an array of ids counts.
      if (!Array.isArray(ids)) return;
      let now = false;
      for (const guess of pending) {
        if (!ids.includes(guess.id)) continue;
        guess.at = { epoch, revision };
        now ||= holds(guess, undefined);
      }
      if (now) reshow();
    },
    answered(result) {
      if (result.error === undefined) guesses.landed(result.epoch, result.revision, [result.id]);
    },
  };
  mirror.guesses = guesses;
  mirror.show = show;
  return guesses;
}
