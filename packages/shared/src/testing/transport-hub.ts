import {
  defaultTimers,
  type Logger,
  StateSyncError,
  type Timers,
  type Transport,
  type Unsubscribe,
} from '@statesync/core';
import { createRandom } from '@statesync/core/testing';
import { createLocalLink, type Direction, type LocalLink } from '../links/local-link.js';
import type { ServerTransport } from '../types.js';

/**
 * What the hub does to messages, with a probability (0..1) each. Drops, duplicates and
 * reordering hit only the authority's invalidations, the one message the protocol expects to
 * lose (clients repair gaps by pulling); everything else is only delayed, in order.
 */
export interface HubFaults {
  /** An invalidation to one client is lost. */
  drop?: number;
  /** An invalidation to one client arrives twice. */
  duplicate?: number;
  /** An invalidation is held back by an extra `delayMs` (at least 1 ms), so later ones overtake it. */
  reorder?: number;
  /** Every message waits a random 0..delayMs before it arrives; order is kept. */
  delayMs?: number;
}

export interface TransportHubOptions {
  /** Seeds the fault schedule: print it, so a failure replays. @default 1 */
  seed?: number;
  /** @default no faults */
  faults?: HubFaults;
  /** For delays. @default the platform's */
  timers?: Timers;
  /** Told about listeners that throw. @default noopLogger */
  logger?: Logger;
}

export interface HubStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  reordered: number;
}

/** One message as it arrives: on which link (0 for the first `connect()`), and which way. */
export interface HubTraffic {
  link: number;
  direction: Direction;
  message: unknown;
}

/** An in-process authority with any number of client links, for tests. */
export interface TransportHub {
  /** The authority's side: pass it as `share.transport` of the server app. */
  readonly server: ServerTransport;
  /** A new client link: pass it as `share.transport` of a client app. */
  connect(): Transport;
  setFaults(faults: HubFaults): void;
  /** No more faults from now on; messages already under way still arrive. */
  heal(): void;
  /** Sees every message as it arrives. */
  tap(listener: (traffic: HubTraffic) => void): Unsubscribe;
  /** Messages sent and not yet arrived. */
  inFlight(): number;
  /** Link ends still open with listeners: 0 once everything was disposed. */
  openCount(): number;
  readonly stats: Readonly<HubStats>;
  /** Closes every link and cancels what is under way. Idempotent. */
  dispose(): void;
}

interface Lane {
  queue: { due: number; deliver: () => void }[];
  timer: unknown;
}

export function createTransportHub(options: TransportHubOptions = {}): TransportHub {
  const timers = options.timers ?? defaultTimers;
  const random = createRandom(options.seed ?? 1);
  let faults: HubFaults = { ...options.faults };
  const links: LocalLink[] = [];
  const waiting: Transport[] = [];
  const taps = new Set<(traffic: HubTraffic) => void>();
  const pendingTimers = new Set<unknown>();
  let acceptor: ((transport: Transport) => void) | undefined;
  let inFlight = 0;
  let disposed = false;
  const stats: HubStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, reordered: 0 };
  const chance = (p: number | undefined) => p !== undefined && p > 0 && random() < p;

  const later = (ms: number, run: () => void) => {
    const handle = timers.setTimeout(() => {
      pendingTimers.delete(handle);
      run();
    }, ms);
    pendingTimers.add(handle);
  };

  /** Delivers a lane's due messages in order, then waits for the next one. */
  const pump = (lane: Lane) => {
    lane.timer = undefined;
    while (lane.queue.length > 0 && lane.queue[0]!.due <= timers.now())
      lane.queue.shift()!.deliver();
    const head = lane.queue[0];
    if (head) {
      lane.timer = true;
      later(Math.max(0, head.due - timers.now()), () => pump(lane));
    }
  };

  const makeRoute = (link: number) => {
    const lanes: Record<Direction, Lane> = {
      'to-server': { queue: [], timer: undefined },
      'to-client': { queue: [], timer: undefined },
    };
    return (message: unknown, direction: Direction, deliver: () => void) => {
      stats.sent++;
      const arrive = () => {
        inFlight--;
        if (disposed) return;
        stats.delivered++;
        for (const tap of [...taps]) tap({ link, direction, message });
        deliver();
      };
      const lossy =
        direction === 'to-client' &&
        typeof message === 'object' &&
        message !== null &&
        (message as { type?: unknown }).type === 'invalidate';
      if (lossy && chance(faults.drop)) {
        stats.dropped++;
        return;
      }
      const copies = lossy && chance(faults.duplicate) ? 2 : 1;
      if (copies === 2) stats.duplicated++;
      for (let i = 0; i < copies; i++) {
        inFlight++;
        const delay = Math.floor(random() * (faults.delayMs ?? 0));
        if (lossy && chance(faults.reorder)) {
          stats.reordered++;
          later(delay + Math.max(1, faults.delayMs ?? 1), arrive);
          continue;
        }
        const lane = lanes[direction];
        if (delay === 0 && lane.queue.length === 0) {
          queueMicrotask(arrive);
          continue;
        }
        const previous = lane.queue.at(-1)?.due ?? 0;
        lane.queue.push({ due: Math.max(timers.now() + delay, previous), deliver: arrive });
        if (lane.timer === undefined) pump(lane);
      }
    };
  };

  return {
    stats,
    server: {
      accept(onConnection) {
        if (acceptor)
          throw new StateSyncError('invalid_option', 'the hub already has an authority');
        acceptor = onConnection;
        for (const transport of waiting.splice(0)) onConnection(transport);
        return () => {
          if (acceptor === onConnection) acceptor = undefined;
        };
      },
    },
    connect() {
      if (disposed) throw new StateSyncError('stopped', 'the hub was disposed');
      const link = createLocalLink({
        route: makeRoute(links.length),
        ...(options.logger ? { logger: options.logger } : {}),
      });
      links.push(link);
      // A client may come first: its link waits for the authority, like a SharedWorker's port.
      if (acceptor) acceptor(link.server);
      else waiting.push(link.server);
      return link.client;
    },
    setFaults(next) {
      faults = { ...next };
    },
    heal() {
      faults = {};
    },
    tap(listener) {
      const own = (traffic: HubTraffic) => listener(traffic);
      taps.add(own);
      return () => {
        taps.delete(own);
      };
    },
    inFlight: () => inFlight,
    openCount: () => links.reduce((sum, link) => sum + link.openCount(), 0),
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const handle of pendingTimers) timers.clearTimeout(handle);
      pendingTimers.clear();
      for (const link of links) {
        link.client.close();
        link.server.close();
      }
    },
  };
}

/**
 * One client link and the authority's side of it: `[client, server]`, for a client app's and
 * the server app's `share.transport`.
 */
export function mockPairTransports(
  options: TransportHubOptions = {},
): [client: Transport, server: ServerTransport] {
  const hub = createTransportHub(options);
  return [hub.connect(), hub.server];
}
