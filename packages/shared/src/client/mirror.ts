import type { Logger, Subscribable } from '@statesync/core/base';
import type { Guesses } from '../optimistic/guesses.js';
import { deepFreeze } from '../store/development.js';
import { createMirrorLedger, type MirrorLedger } from '../store/ledger.js';
import { createObservable } from '../store/observable.js';

/**
 * A client's immutable copy of one store's state. The revision engine writes it through
 * {@link mirrorApplier} (`client/mirror-applier.ts`), which loads with the link's code.
 */
export interface Mirror<S> extends Subscribable<S> {
  /**
   * Takes `next` as the confirmed state, with the ledger already at its revision, and shows it
   * (frozen in development); listeners hear it once. Optimistic guesses show over it.
   */
  set(next: S): void;
  /** The state as the authority sent it: what `getState` shows, without guesses. */
  confirmed(): S;
  /** Shows `state` without changing the confirmed state: a guess over it, or the confirmed one. */
  show(state: S): void;
  /** The calls the mirrored state holds, kept in step with every apply. */
  readonly ledger: MirrorLedger;
  /** This store's optimistic calls, once their code is loaded (`optimistic/guesses.ts`). */
  guesses?: Guesses;
}

/** A mirror starting from `initial`. Listeners hear each change once, after it is in place. */
export function createMirror<S>(initial: S, logger: Logger, freeze = false): Mirror<S> {
  // Frozen in development, so that code mutating what it was given throws where it does so.
  const value = createObservable(freeze ? deepFreeze(initial) : initial, logger);
  let confirmed = value.getState();
  const mirror: Mirror<S> = {
    getState: value.getState,
    subscribe: value.subscribe,
    set(next) {
      confirmed = next;
      mirror.show(next);
    },
    confirmed: () => confirmed,
    show: freeze ? (next) => value.set(deepFreeze(next)) : value.set,
    ledger: createMirrorLedger(),
  };
  return mirror;
}
