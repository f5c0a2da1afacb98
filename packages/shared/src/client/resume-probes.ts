import {
  PROTOCOL_VERSION,
  type RevisionStamp,
  type RevisionSyncHandle,
  type SnapshotProvider,
} from '@statesync/core';
import type { MirrorLedger } from '../store/ledger.js';
import type { SubscribedMessage, WelcomeMessage, WireMessage } from '../wire/protocol.js';

/**
 * Resuming from the revision a mirror holds, where the authority can (its welcome said
 * `resume`: a server). A store's subscribe then names that revision; what was missed arrives
 * first (deltas, or an invalidation to pull), then `subscribed` says where the topic stands.
 * The engines' `getRevision` is that round trip, so a mirror that outlived its link pulls a
 * snapshot only when the deltas were no longer there.
 */
export function createResumeProbes(send: (message: WireMessage) => void) {
  let resumable = false;
  const waiting = new Map<string, ((stamp: RevisionStamp) => void)[]>();

  const subscribeFrom = (topic: string, ledger: MirrorLedger) => {
    const revision = ledger.revision();
    const epoch = ledger.epoch();
    send({
      v: PROTOCOL_VERSION,
      type: 'subscribe',
      topic,
      ...(revision !== undefined && { revision }),
      ...(epoch !== undefined && { epoch }),
    });
  };

  const probe = (topic: string, ledger: MirrorLedger, signal: AbortSignal) =>
    new Promise<RevisionStamp>((resolve, reject) => {
      const mine = waiting.get(topic) ?? [];
      waiting.set(topic, mine);
      const abort = () => {
        const at = mine.indexOf(settle);
        if (at >= 0) mine.splice(at, 1);
        reject(signal.reason);
      };
      const settle = (stamp: RevisionStamp) => {
        signal.removeEventListener('abort', abort);
        resolve(stamp);
      };
      signal.addEventListener('abort', abort, { once: true });
      mine.push(settle);
      subscribeFrom(topic, ledger);
    });

  return {
    welcomed(message: WelcomeMessage) {
      resumable = message.resume === true;
    },
    /** A store's provider: its pulls, and the probe once an authority that resumes welcomed. */
    provider(
      topic: string,
      ledger: MirrorLedger,
      pulls: Pick<SnapshotProvider<object>, 'getSnapshot'>,
    ): SnapshotProvider<object> {
      return {
        getSnapshot: (request) => pulls.getSnapshot(request),
        // The engine reads it on each probe: absent, it pulls.
        get getRevision() {
          return resumable
            ? ({ signal }: { signal: AbortSignal }) => probe(topic, ledger, signal)
            : undefined;
        },
      } as SnapshotProvider<object>;
    },
    /**
     * Subscribes a store and starts its engine. Where the authority resumes and the mirror holds
     * a revision (it outlived an earlier link), the engine starts from that revision and its
     * first probe subscribes from there. Otherwise the subscribe goes first: the authority then
     * sends every change after the snapshot pulled next.
     */
    start(topic: string, ledger: MirrorLedger, engine: RevisionSyncHandle) {
      const revision = ledger.revision();
      if (resumable && revision !== undefined) engine.setLocalRevision(revision, ledger.epoch());
      else send({ v: PROTOCOL_VERSION, type: 'subscribe', topic });
      return engine.start();
    },
    subscribed({ topic, revision, epoch }: SubscribedMessage) {
      for (const settle of waiting.get(topic)?.splice(0) ?? []) {
        settle(epoch === undefined ? { revision } : { revision, epoch });
      }
    },
  };
}
