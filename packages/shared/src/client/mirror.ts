import type { Logger, Subscribable } from '@statesync/core/base';
import { deepFreeze } from '../store/development.js';
import { createMirrorLedger, type MirrorLedger } from '../store/ledger.js';
import { createObservable } from '../store/observable.js';

/**
 * A client's immutable copy of one store's state. The revision engine writes it through
 * {@link mirrorApplier} (`client/mirror-applier.ts`), which loads with the link's code.
 */
export interface Mirror<S> extends Subscribable<S> {
  /** Shows `next` (frozen in development) and tells the listeners, once. */
  set(next: S): void;
  /** The calls the mirrored state holds, kept in step with every apply. */
  readonly ledger: MirrorLedger;
}

/** A mirror starting from `initial`. Listeners hear each change once, after it is in place. */
export function createMirror<S>(initial: S, logger: Logger, freeze = false): Mirror<S> {
  // Frozen in development, so that code mutating what it was given throws where it does so.
  const value = createObservable(freeze ? deepFreeze(initial) : initial, logger);
  return {
    getState: value.getState,
    subscribe: value.subscribe,
    set: freeze ? (next: S) => value.set(deepFreeze(next)) : value.set,
    ledger: createMirrorLedger(),
  };
}
