import {
  createBroadcastChannelTransport,
  createTransportEnd,
  type Logger,
  PROTOCOL_VERSION,
  type Transport,
  type TransportEnd,
  type TransportMedium,
  type Unsubscribe,
} from '@statesync/core';
import type { ServerTransport } from '../types.js';

/** What tabs of one app say to each other on their channel, besides links' messages. */
export type TabSignal =
  /** The sender is the authority now (elected and recovered), in this epoch. */
  | 'leader'
  /** The sender asks who the leader is. */
  | 'who'
  /** Elections without Web Locks: the leader is alive (or resigns), or a tab claims office. */
  | 'beat'
  | 'claim'
  /** The sender was just elected and asks every tab for its mirrors. */
  | 'recover'
  /** A tab's mirrors, for the leader that asked. */
  | 'state'
  /** A message of the link between a client tab and the leader tab. */
  | 'link';

interface Envelope {
  statesyncTab: 1;
  kind: TabSignal;
  from: string;
  /** Only this tab reads it; the others drop it. */
  to?: string;
  body?: unknown;
}

/**
 * The tabs of one app, over one BroadcastChannel: signals to all of them or to one, and links
 * between a client tab and the leader (messages addressed to the other end's id, so every tab
 * hears them but only that one reads them).
 */
export interface TabHub {
  readonly id: string;
  signal(kind: TabSignal, body?: unknown, to?: string): void;
  on(kind: TabSignal, handler: (body: unknown, from: string) => void): Unsubscribe;
  /** The link from this tab to the leader tab `leader`. */
  link(leader: string): Transport;
  /** The leader's side: a link for every tab that says hello to this one. */
  serve(): ServerTransport;
  close(): void;
}

export interface TabHubOptions {
  channel: string;
  id: string;
  logger: Logger;
  BroadcastChannel?: typeof BroadcastChannel;
}

const BYE = { v: PROTOCOL_VERSION, type: 'bye' };

export function createTabHub(options: TabHubOptions): TabHub {
  const { id, logger } = options;
  const channel = createBroadcastChannelTransport(options.channel, {
    logger,
    ...(options.BroadcastChannel && { BroadcastChannel: options.BroadcastChannel }),
  });
  const handlers = new Map<TabSignal, Set<(body: unknown, from: string) => void>>();

  const signal = (kind: TabSignal, body?: unknown, to?: string) => {
    const envelope: Envelope = { statesyncTab: 1, kind, from: id };
    if (to !== undefined) envelope.to = to;
    if (body !== undefined) envelope.body = body;
    channel.send(envelope);
  };

  const on = (kind: TabSignal, handler: (body: unknown, from: string) => void): Unsubscribe => {
    const set = handlers.get(kind) ?? new Set();
    handlers.set(kind, set);
    const own = (body: unknown, from: string) => handler(body, from);
    set.add(own);
    return () => {
      set.delete(own);
    };
  };

  const off = channel.subscribe((raw) => {
    const envelope = raw as Partial<Envelope> | null;
    if (envelope?.statesyncTab !== 1 || typeof envelope.from !== 'string') return;
    if (envelope.to !== undefined && envelope.to !== id) return;
    const set = handlers.get(envelope.kind as TabSignal);
    for (const handler of [...(set ?? [])]) {
      if (!set?.has(handler)) continue;
      // One tab's bug must not keep the other handlers (the election, the links) deaf.
      try {
        handler(envelope.body, envelope.from);
      } catch (error) {
        logger.error('transport listener threw', { error });
      }
    }
  });

  /** One end of a link to `peer`: sends are addressed to it, every tab hears them. */
  const endTo = (peer: string, medium: Pick<TransportMedium, 'listen' | 'release'>) =>
    createTransportEnd<unknown>({
      name: 'tab link',
      logger,
      farewell: BYE,
      post: (message) => signal('link', message, peer),
      ...medium,
    });

  return {
    id,
    signal,
    on,
    link(leader) {
      const end = endTo(leader, {
        listen: () =>
          on('link', (body, from) => {
            if (from === leader) end.deliver(body);
          }),
      });
      return end.transport;
    },
    serve() {
      return {
        accept(onConnection) {
          const ends = new Map<string, TransportEnd>();
          const stop = on('link', (body, from) => {
            const hello = (body as { type?: unknown } | null)?.type === 'hello';
            let end = ends.get(from);
            if (hello) {
              // A tab that says hello again (it resumed, or lost its link) starts afresh:
              // the authority hears its old link say bye.
              end?.gone();
              const fresh = endTo(from, {
                release: () => {
                  if (ends.get(from) === fresh) ends.delete(from);
                },
              });
              ends.set(from, fresh);
              end = fresh;
              onConnection(fresh.transport);
            }
            end?.deliver(body);
          });
          return () => {
            stop();
            for (const end of [...ends.values()]) end.gone();
            ends.clear();
          };
        },
      };
    },
    close() {
      off();
      handlers.clear();
      channel.close();
    },
  };
}
