import { type Logger, PROTOCOL_VERSION } from '@statesync/core';
import { type Announcement, announce, entryMessage, type FanOut } from './fan-out.js';
import type { RedisStore } from './redis-store.js';

/** Where a client says it stands: the last revision (and epoch) it saw. */
export interface ResumePoint {
  revision?: string | undefined;
  epoch?: string | undefined;
}

const REVISION = /^(0|[1-9]\d{0,19})$/;

/** How a follow ended its start: how to stop, and where the topic stood once it resumed. */
export interface Followed {
  off: () => void;
  /** Set when the client said where it stands and Redis answered: all up to it was sent. */
  at?: { revision: string; epoch: string };
}

/**
 * Sends a client every change of `topic` from now on and, when it says where it stands, what it
 * missed: the stream's entries after its revision when Redis still holds them all, else an
 * invalidation of the current revision, which makes its engine pull a snapshot. Live entries
 * that arrive meanwhile wait, so nothing is sent twice or out of order.
 */
export async function follow(
  fanOut: FanOut,
  store: RedisStore,
  topic: string,
  from: ResumePoint,
  send: (announcement: Announcement) => void,
  logger: Logger,
): Promise<Followed> {
  let last: bigint | undefined;
  let at: Followed['at'];
  let ready = false;
  const waiting: Announcement[] = [];
  const deliver = (item: Announcement) => {
    if (item.reset) last = undefined;
    else if (last !== undefined && BigInt(item.message.revision) <= last) return;
    if (!item.reset) last = BigInt(item.message.revision);
    send(item);
  };
  const off = fanOut.listen(topic, (item) => (ready ? deliver(item) : waiting.push(item)));
  if (from.revision !== undefined && REVISION.test(from.revision)) {
    try {
      const current = await store.read(topic);
      const entries =
        from.epoch === current.epoch && BigInt(from.revision) <= BigInt(current.revision)
          ? await store.since(topic, from.revision)
          : undefined;
      last = BigInt(from.revision);
      if (entries) {
        for (const entry of entries) deliver(announce(entryMessage(topic, entry)));
        at = { revision: String(last), epoch: current.epoch };
      } else {
        last = undefined;
        at = { revision: current.revision, epoch: current.epoch };
        deliver(
          announce({
            v: PROTOCOL_VERSION,
            type: 'invalidate',
            topic,
            revision: current.revision,
            epoch: current.epoch,
          }),
        );
      }
    } catch (error) {
      // The client's engine still pulls on its own schedule; live entries keep coming.
      logger.warn('could not resume a subscriber', { topic, error });
    }
  }
  ready = true;
  for (const item of waiting.splice(0)) deliver(item);
  return at ? { off, at } : { off };
}
