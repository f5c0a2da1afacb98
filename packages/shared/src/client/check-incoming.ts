import { StateSyncError } from '@statesync/core';
import {
  dataProblem,
  hasHeadroom,
  REVISION_CEILING,
  type StateKind,
} from '../store/store-record.js';
import { JSON_TEXT, parseJsonText } from '../wire/json-text.js';
import type { ClientBound } from '../wire/parse-message.js';
import type { WireMessage } from '../wire/protocol.js';

/**
 * How many pulls in flight are remembered by id: more than a client's stores pull at once (a
 * client of a thousand stores pulls them all when it joins).
 */
const PULLS_KEPT = 4096;

/**
 * Checks what the authority sends a client against what the client asked for and holds, beyond
 * the message's own shape: any page on a shared medium (a sibling tab on a BroadcastChannel)
 * can post in the authority's name. A snapshot must answer a pull for its own topic, hold
 * state of the store's kind, and stay under {@link REVISION_CEILING}, or a forged one at the
 * highest revision would freeze this copy for good.
 */
export function createIncomingCheck() {
  const pullTopics = new Map<string, string>();
  const beyond = (revision: string) =>
    new StateSyncError(
      'protocol',
      `revision ${revision} is beyond ${REVISION_CEILING}, which no statesync authority reaches`,
    );

  return {
    /** Remembers the topic of every pull this client sends. */
    sent(message: WireMessage) {
      if (message.type !== 'pull') return;
      pullTopics.set(message.id, message.topic);
      if (pullTopics.size > PULLS_KEPT) pullTopics.delete(pullTopics.keys().next().value!);
    },
    /**
     * Why a snapshot is refused (nothing of it applied), or undefined. Data sent as JSON text
     * is parsed here, into the message.
     */
    snapshot(
      message: ClientBound & { type: 'snapshot' },
      kind: StateKind | undefined,
    ): StateSyncError | undefined {
      if (message.encoding === JSON_TEXT) {
        // Decoded in place: the message is this side's own copy.
        try {
          message.data = parseJsonText(message.data, String(message.topic));
        } catch (error) {
          return error as StateSyncError;
        }
        delete message.encoding;
      }
      const asked = pullTopics.get(message.id);
      if (asked === undefined) return undefined; // not a pull in flight: the router drops it
      pullTopics.delete(message.id);
      if (message.topic !== asked) {
        return new StateSyncError(
          'protocol',
          `a snapshot of "${String(message.topic)}" answered the pull of "${asked}"`,
        );
      }
      if (typeof message.revision === 'string' && !hasHeadroom(message.revision)) {
        return beyond(message.revision);
      }

      const problem = dataProblem((message as { data?: unknown }).data, kind);
      if (problem !== undefined) {
        return new StateSyncError('protocol', `snapshot of "${asked}": ${problem}`);
      }
      return undefined;
    },
    /** Why an invalidation is dropped, or undefined. */
    invalidation(message: ClientBound & { type: 'invalidate' }): StateSyncError | undefined {
      const { revision } = message;
      return typeof revision === 'string' && !hasHeadroom(revision) ? beyond(revision) : undefined;
    },
  };
}
