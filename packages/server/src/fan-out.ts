import { type InvalidateMessage, type Logger, PROTOCOL_VERSION } from '@statesync/core';
import {
  keysOf,
  type RedisClient,
  type RedisStore,
  type StreamEntry,
  toEntryOf,
} from './redis-store.js';

/** One announcement for every connection of this instance: the message, encoded once. */
export interface Announcement {
  message: InvalidateMessage;
  json: string;
  /** True when the topic's epoch changed (Redis lost its data): revisions start again. */
  reset: boolean;
}

export const announce = (message: InvalidateMessage): Announcement => ({
  message,
  json: JSON.stringify(message),
  reset: false,
});

/** A stream entry as clients get it; one entry is one revision, so its delta starts just before. */
export const entryMessage = (topic: string, entry: StreamEntry): InvalidateMessage => ({
  v: PROTOCOL_VERSION,
  type: 'invalidate',
  topic,
  revision: entry.revision,
  epoch: entry.epoch,
  sourceId: entry.origin,
  delta: { base: String(BigInt(entry.revision) - 1n), ops: entry.ops },
});

type Listener = (announcement: Announcement) => void;

/**
 * Reads every topic's stream with one blocking XREAD on a connection of its own and hands each
 * entry to this instance's listeners, as an invalidation carrying its delta. After a Redis
 * outage it checks each topic's epoch: a new one (the data was lost) restarts that cursor and
 * announces the new epoch, so clients pull.
 */
export function createFanOut(
  reader: RedisClient,
  store: RedisStore,
  topics: readonly string[],
  logger: Logger,
) {
  const listeners = new Map<string, Set<Listener>>();
  const byKey = new Map(topics.map((topic) => [keysOf(topic).stream, topic]));
  const cursors = new Map<string, { id: string; epoch: string }>();
  let stopped = false;

  const emit = (topic: string, announcement: Announcement) => {
    for (const listener of [...(listeners.get(topic) ?? [])]) listener(announcement);
  };

  async function sync() {
    for (const topic of topics) {
      const state = await store.read(topic);
      const known = cursors.get(topic);
      if (known && known.epoch === state.epoch) continue;
      cursors.set(topic, { id: known ? '0-0' : `${state.revision}-0`, epoch: state.epoch });
      if (known) {
        const message: InvalidateMessage = {
          v: PROTOCOL_VERSION,
          type: 'invalidate',
          topic,
          revision: state.revision,
          epoch: state.epoch,
        };
        emit(topic, { ...announce(message), reset: true });
      }
    }
  }

  async function loop() {
    let healthy = false;
    while (!stopped) {
      try {
        if (!healthy) {
          await sync();
          healthy = true;
        }
        const streams = topics.map((topic) => ({
          key: keysOf(topic).stream,
          id: cursors.get(topic)!.id,
        }));
        const reply = (await reader.xRead(streams, { BLOCK: 2000, COUNT: 500 })) as
          | { name: string; messages: { id: string; message: Record<string, string> }[] }[]
          | null;
        for (const stream of reply ?? []) {
          const topic = byKey.get(stream.name);
          if (topic === undefined) continue;
          for (const raw of stream.messages) {
            cursors.get(topic)!.id = raw.id;
            emit(topic, announce(entryMessage(topic, toEntryOf(raw))));
          }
        }
      } catch (error) {
        if (stopped) return;
        healthy = false;
        logger.warn('the fan-out lost Redis; reading again', { error });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  let running: Promise<void> | undefined;
  return {
    listen(topic: string, listener: Listener) {
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    async start() {
      await sync();
      running = loop();
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

export type FanOut = ReturnType<typeof createFanOut>;
