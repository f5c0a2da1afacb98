/**
 * DevTools on the wire: two direct-channel names, so no new message type. A client asks the
 * authority with an `emit` of {@link DEVTOOLS_COMMAND}; the authority tells each client that
 * watches a store with an `emit` of {@link DEVTOOLS_EVENT} to that client alone, sent after the
 * changes of the same task. Types and names only: nothing here runs.
 */
import type { PatchOp, Revision } from '@statesync/core';

/** Client → authority: a {@link DevtoolsRequest}; answered like any `emit`. */
export const DEVTOOLS_COMMAND = 'statesync/devtools';
/** Authority → one watching client: a {@link DevtoolsEvent}. */
export const DEVTOOLS_EVENT = 'statesync/devtools-event';

/** A state the panel points at: its revision when recorded, and the panel's own copy. */
interface Target {
  revision?: Revision;
  state?: unknown;
}

/** What a panel asks of a store's authority. */
export type DevtoolsRequest = {
  store: string;
} /** Send me this store's events, starting with an `init`. */ & (
  | { command: 'watch' }
  | { command: 'unwatch' }
  /** Show this state to every client until `live` or the next call. */
  | ({ command: 'travel' } & Target)
  | { command: 'live' }
  /** The state shown becomes the live state; every watcher starts over. */
  | { command: 'commit' }
  /** The live state becomes this one (the panel's start); every watcher starts over. */
  | ({ command: 'rollback' } & Target)
  /** The live state becomes the store's `state()`; every watcher starts over. */
  | { command: 'reset' }
  /** The live state becomes `state` (an imported history's last). */
  | { command: 'import'; state: unknown }
  /** Stop (true) or resume (false) recording; resuming starts every watcher over. */
  | { command: 'pause'; paused: boolean }
  /**
   * Show the state as if these revisions' calls had not run (replayed on the authority).
   * Answered with the replayed state after each revision the authority still has.
   */
  | { command: 'skip'; revisions: Revision[] }
);

/** What the authority tells a watching client. */
export type DevtoolsEvent =
  /** The panel's history (re)starts here. */
  | { kind: 'init'; store: string; revision: Revision; state: unknown }
  /** One call the authority ran. */
  | {
      kind: 'call';
      store: string;
      action: string;
      args: readonly unknown[];
      patches: readonly PatchOp[];
      revision: Revision;
      /** Who called; undefined for the authority's own code. */
      clientId: string | undefined;
      durationMs: number;
    };
