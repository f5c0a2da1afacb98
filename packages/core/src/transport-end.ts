import { notCloneable } from './cloneable.js';
import { StateSyncError } from './errors.js';
import { noopLogger } from './logger.js';
import type { Logger, Transport, Unsubscribe } from './types.js';

/** What differs between media: how to post, how to hear, how to let go. */
export interface TransportMedium<M = unknown> {
  /** Names the end in its `stopped` error: `send on a closed ${name}`. */
  name: string;
  /**
   * Posts one message. A `DataCloneError` it throws becomes `not_cloneable`, naming the path of
   * the culprit; anything else it throws reaches the sender as it is.
   */
  post(message: M): void;
  /**
   * Starts hearing the medium, on the first listener; returns how to stop, which is called when
   * the last listener leaves, the peer goes, or the end closes.
   */
  listen?(): () => void;
  /**
   * Lets go of the medium, once: on `close()` (`'closed'`), or when the peer went (`'gone'`,
   * after which `close()` releases nothing more).
   */
  release?(why: 'closed' | 'gone'): void;
  /** Handed to the listeners, once, when the peer goes: a `bye` on the authority's side. */
  farewell?: M;
  /** Told about listeners that throw; delivery to the others goes on. @default noopLogger */
  logger?: Logger;
}

/** A transport end, and the handles its adapter drives it by. */
export interface TransportEnd<M = unknown> {
  /** What the adapter hands to its users. */
  readonly transport: Transport<M>;
  /** Hands what arrived to every listener; a throwing one is logged. Ignored unless open. */
  deliver(message: M): void;
  /**
   * The peer went away: stops listening, lets go of the medium, delivers the farewell once.
   * Later sends go nowhere (the owner was told); `close()` still ends it. True only for the
   * call that ended an open end.
   */
  gone(): boolean;
  /** `open`, then `gone` (the peer left) or `closed` (this side closed it). */
  state(): 'open' | 'gone' | 'closed';
}

/**
 * The one transport end every medium shares: the listener set (each subscription its own, a
 * throwing listener logged without failing the others, an unsubscribed one hearing nothing
 * more), lazy listening, the closed state with its `stopped` error, the `not_cloneable`
 * mapping, and "the peer is gone" delivered once. An adapter says only what differs.
 */
export function createTransportEnd<M = unknown>(medium: TransportMedium<M>): TransportEnd<M> {
  const logger = medium.logger ?? noopLogger;
  const listeners = new Set<(message: M) => void>();
  let state: 'open' | 'gone' | 'closed' = 'open';
  let unlisten: (() => void) | undefined;

  const stopped = (operation: string) =>
    new StateSyncError('stopped', `${operation} on a closed ${medium.name}`);
  const stopListening = () => {
    unlisten?.();
    unlisten = undefined;
  };
  const dispatch = (message: M) => {
    for (const listener of [...listeners]) {
      if (!listeners.has(listener)) continue;
      try {
        listener(message);
      } catch (error) {
        logger.error('transport listener threw', { error });
      }
    }
  };

  return {
    deliver(message) {
      if (state === 'open') dispatch(message);
    },
    state: () => state,
    gone() {
      if (state !== 'open') return false;
      state = 'gone';
      stopListening();
      medium.release?.('gone');
      // A listener may close the end on hearing it: that is the usual answer to a bye.
      if (medium.farewell !== undefined) dispatch(medium.farewell);
      return true;
    },
    transport: {
      send(message) {
        if (state === 'closed') throw stopped('send');
        if (state === 'gone') return;
        try {
          medium.post(message);
        } catch (error) {
          if (error instanceof Error && error.name === 'DataCloneError') {
            throw notCloneable(message, error);
          }
          throw error;
        }
      },
      subscribe(listener): Unsubscribe {
        if (state === 'closed') throw stopped('subscribe');
        // A wrapper per call: the same function subscribed twice is two subscriptions.
        const own = (message: M) => listener(message);
        listeners.add(own);
        if (state === 'open' && !unlisten && medium.listen) unlisten = medium.listen();
        return () => {
          if (listeners.delete(own) && listeners.size === 0) stopListening();
        };
      },
      close() {
        if (state === 'closed') return;
        const open = state === 'open';
        state = 'closed';
        listeners.clear();
        stopListening();
        if (open) medium.release?.('closed');
      },
    },
  };
}
