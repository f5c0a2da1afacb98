import { PROTOCOL_VERSION, StateSyncError } from '@statesync/core';
import { JSON_TEXT } from '../wire/json-text.js';
import type { LedgerSnapshotMessage } from '../wire/protocol.js';
import { toWireError } from '../wire/wire-error.js';
import type { Connection, Connections } from './connections.js';
import type { ServerStore } from './server-store.js';

/**
 * Answers a client's pull of `topic` with the store's snapshot, or with a `pull-error` when
 * there is no such store or the snapshot cannot be sent.
 */
export function answerPull(
  links: Connections,
  connection: Connection,
  pull: { id: string; topic: string; store: ServerStore | undefined; shareLedger: boolean },
): void {
  const { id, topic, store } = pull;
  try {
    if (!store) {
      throw new StateSyncError('snapshot_failed', `store "${topic}" is not on the authority (yet)`);
    }
    const snapshot = store.authority.getSnapshot();
    const reply: LedgerSnapshotMessage = {
      v: PROTOCOL_VERSION,
      type: 'snapshot',
      id,
      topic,
      ...snapshot,
    };
    // One string is far cheaper to pass than the object graph it encodes (and the client
    // parses one store while the next is encoded), when JSON carries the state exactly.
    if (connection.jsonText && store.isJsonPlain()) {
      reply.data = JSON.stringify(snapshot.data);
      reply.encoding = JSON_TEXT;
    }
    if (pull.shareLedger) {
      reply.calls = store.ledger.entries();
      if (store.aside) reply.live = store.aside;
    }
    links.send(connection, reply);
  } catch (error) {
    const reply = { v: PROTOCOL_VERSION, type: 'pull-error', id, topic } as const;
    links.trySend(connection, { ...reply, error: toWireError(error) });
  }
}
