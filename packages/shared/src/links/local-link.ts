import { createTransportEnd, type Logger, noopLogger, type Transport } from '@statesync/core';

/** Which way a message goes on a link: from the client to the authority, or back. */
export type Direction = 'to-server' | 'to-client';

export interface LocalLinkOptions {
  /**
   * Decides when, and how often, a message arrives: call `deliver` for each arrival. Used by
   * the test hub to inject faults. @default one delivery, a microtask later
   */
  route?(message: unknown, direction: Direction, deliver: () => void): void;
  /** Told about listeners that throw. @default noopLogger */
  logger?: Logger;
}

export interface LocalLink {
  /** The client's end. */
  readonly client: Transport;
  /** The authority's end. */
  readonly server: Transport;
  /** Ends that are open and have listeners: 0 once both are released. */
  openCount(): number;
}

interface End {
  transport: Transport;
  receive(message: unknown): void;
  isOpen(): boolean;
}

/**
 * Two connected ends in one process, like the two ports of a `MessageChannel`: messages are
 * structured-cloned at send time (an uncloneable one throws `not_cloneable` naming its path and
 * goes nowhere), arrive asynchronously and in order, and wait in a queue until the receiving
 * end has its first listener.
 */
export function createLocalLink(options: LocalLinkOptions = {}): LocalLink {
  const logger = options.logger ?? noopLogger;
  const route =
    options.route ??
    ((_message: unknown, _direction: Direction, deliver: () => void) => queueMicrotask(deliver));
  // Filled just below; each end sends to the other.
  const ends: End[] = [];
  const makeEnd = (direction: Direction, other: () => End): End => {
    // What arrives before the first listener waits here, as in a port not started yet.
    let queue: unknown[] | undefined = [];
    let listening = false;

    const end = createTransportEnd<unknown>({
      name: 'link',
      logger,
      post(message) {
        // Copied at send time; a DataCloneError becomes not_cloneable naming the path.
        const copy = structuredClone(message);
        const target = other();
        let first = true;
        route(copy, direction, () => {
          // A duplicate is a copy of its own, as a second postMessage would be.
          target.receive(first ? copy : structuredClone(copy));
          first = false;
        });
      },
      listen() {
        listening = true;
        if (queue) {
          // The port starts with its first listener; what waited arrives a microtask later,
          // before anything that arrives meanwhile.
          const waited = queue;
          queueMicrotask(() => {
            while (waited.length > 0) end.deliver(waited.shift());
            if (queue === waited) queue = undefined;
          });
        }
        return () => {
          listening = false;
        };
      },
      release() {
        queue = undefined;
      },
    });

    return {
      isOpen: () => listening,
      receive(message) {
        if (queue) queue.push(message);
        else end.deliver(message);
      },
      transport: end.transport,
    };
  };
  const client = makeEnd('to-server', () => ends[1]!);
  const server = makeEnd('to-client', () => ends[0]!);
  ends.push(client, server);
  return {
    client: client.transport,
    server: server.transport,
    openCount: () => ends.filter((end) => end.isOpen()).length,
  };
}
