import {
  createBroadcastChannelTransport,
  parseSnapshot,
  type SnapshotEnvelope,
  StateSyncError,
  type Transport,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core';
import type { PersistenceContext } from './persistence-context.js';
import { leavesRoom, relate, stampOf } from './record.js';
import type { Saver } from './saver.js';
import { storedSnapshot } from './stored-snapshot.js';
import type { PersistedRecord } from './types.js';

const KIND = 'statesync.persistence';

/** What tabs say to each other on the channel. */
type TabMessage =
  | { kind: typeof KIND; type: 'snapshot'; from: string; snapshot: SnapshotEnvelope<unknown> }
  | { kind: typeof KIND; type: 'request'; from: string };

/** This tab's side of `crossTabSync`: a BroadcastChannel, or the storage event without one. */
export interface TabSync<T> {
  /** Sends a snapshot this tab applied to the other tabs (when `broadcastSaves`). */
  broadcast(snapshot: SnapshotEnvelope<T>): void;
  /** Asks the other tabs for what they hold. */
  request(): void;
  close(): void;
}

export function createTabSync<T>(context: PersistenceContext<T>, saver: Saver): TabSync<T> {
  const { storage, stats, logger, self, options } = context;
  const { crossTabSync } = options;
  let channel: Transport<unknown> | undefined;
  let stopListening: Unsubscribe | undefined;
  const receiveUpdates = crossTabSync?.receiveUpdates ?? true;
  const broadcastSaves = crossTabSync?.broadcastSaves ?? true;

  const send = (message: TabMessage) => {
    if (!channel || context.disposed) return;
    try {
      channel.send(message);
      if (message.type === 'snapshot') stats.broadcastsSent++;
    } catch (error) {
      context.fail(toStateSyncError(error, 'not_cloneable', 'broadcasting'), {
        operation: 'broadcast',
        ...(message.type === 'snapshot' && { revision: message.snapshot.revision }),
      });
    }
  };

  const broadcast = (snapshot: SnapshotEnvelope<T>) => {
    if (broadcastSaves) send({ kind: KIND, type: 'snapshot', from: self, snapshot });
  };

  /**
   * A snapshot another tab holds: applied if newer than ours, in the same epoch. One of another
   * epoch goes to the engine, which asks the authority which epoch is live; without an engine
   * to ask, the sibling's snapshot is the best this tab can get. One at the largest revision is
   * refused: it would freeze this tab, and only the authority (through the engine) may bring it.
   */
  const receive = (incoming: SnapshotEnvelope<T>) =>
    context.serially(async () => {
      if (context.disposed) return;
      stats.broadcastsReceived++;
      if (!leavesRoom(incoming.revision)) {
        const error = new StateSyncError(
          'protocol',
          `a snapshot from another tab at revision ${incoming.revision} is refused: no later change could follow it`,
        );
        context.fail(error, { operation: 'receive', revision: incoming.revision });
        return;
      }
      const relation = relate(incoming, context.held);
      const confirmByEngine = relation === 'unrelated' && context.watchers.size > 0;
      const applied = relation === 'newer' || (relation === 'unrelated' && !confirmByEngine);
      if (confirmByEngine) context.announce(stampOf(incoming));
      if (applied) {
        try {
          await context.bounded(options.applier.apply(incoming), 'apply()');
        } catch (error) {
          context.fail(
            toStateSyncError(error, 'apply_failed', 'applying a snapshot from another tab'),
            { operation: 'receive', revision: incoming.revision },
          );
          return;
        }
        stats.broadcastsApplied++;
        context.hold(incoming, true);
        // On storage every tab shares, the tab that sent it saves it.
        if (!storage.shared) saver.schedule();
      }
      context.emit({ type: 'received', ...stampOf(incoming), applied });
    });

  const onMessage = (raw: unknown) => {
    if (typeof raw !== 'object' || raw === null || (raw as { kind?: unknown }).kind !== KIND) {
      return;
    }
    const message = raw as Partial<TabMessage>;
    if (message.from === self) return;
    if (message.type === 'request') {
      // Answer with what this tab holds once anything queued before the request is applied.
      void context.serially(() => context.held && broadcast(context.held));
      return;
    }
    if (message.type !== 'snapshot' || !receiveUpdates) return;
    let snapshot: SnapshotEnvelope<T>;
    try {
      snapshot = parseSnapshot<T>((message as { snapshot?: unknown }).snapshot);
    } catch (error) {
      context.fail(toStateSyncError(error, 'protocol', 'invalid message from another tab'), {
        operation: 'receive',
      });
      return;
    }
    void receive(snapshot);
  };

  /** A record another tab wrote: taken as a snapshot when there is no channel to hear it on. */
  const fromStorage = async (record: PersistedRecord<T>) => {
    const snapshot = await storedSnapshot(context, record);
    if (snapshot) await receive(snapshot);
  };

  /**
   * Web Storage is not atomic across tabs: two tabs can both check, then both write, and the
   * older write may land last. The tab holding the newer state hears of it (the storage event)
   * and writes its state back, so storage never stays behind.
   */
  const repairIfBehind = (record: PersistedRecord<T>) =>
    context.serially(() => {
      const { held } = context;
      if (context.disposed || !held || relate(record.meta, held) !== 'older') return;
      logger.debug('storage went behind, saving again', { revision: held.revision });
      saver.schedule();
    });

  if (crossTabSync) {
    const { transport, channelName } = crossTabSync;
    if (transport) channel = transport;
    else if (typeof globalThis.BroadcastChannel === 'function') {
      channel = createBroadcastChannelTransport(channelName, { logger });
    }
    if (channel && (receiveUpdates || broadcastSaves)) {
      stopListening = channel.subscribe(onMessage);
    } else if (!channel && !storage.watch) {
      logger.warn('crossTabSync: no BroadcastChannel and no storage event here', {
        channelName,
      });
    }
  }
  // No channel: the storage event is how this tab hears what the others saved.
  const storageIsTheChannel = crossTabSync !== undefined && !channel && receiveUpdates;
  const stopWatchingStorage =
    storage.watch && (storage.shared || storageIsTheChannel)
      ? storage.watch((record) => {
          if (storageIsTheChannel) void fromStorage(record);
          if (storage.shared) void repairIfBehind(record);
        })
      : undefined;

  return {
    broadcast,
    request: () => send({ kind: KIND, type: 'request', from: self }),
    close() {
      stopListening?.();
      stopWatchingStorage?.();
      stopListening = undefined;
      if (!crossTabSync?.transport) channel?.close();
      channel = undefined;
    },
  };
}
