import { type Logger, noopLogger, type Timers } from '@statesync/core';
import { internalsOf } from '../app/internals.js';
import { createSharedApp } from '../app/shared-app.js';
import type { AnyStoreDefinition, SharedApp, SharedErrorContext } from '../types.js';
import { createTransportHub, type HubFaults, type TransportHub } from './transport-hub.js';

export interface TestBedOptions {
  /** The stores of the app: all of them run on the authority. */
  stores: readonly AnyStoreDefinition[];
  /** How many client apps to start. @default 1 */
  clients?: number;
  /** The stores client `index` loads, for clients that show only part of the app. @default all */
  clientStores?: (index: number) => readonly AnyStoreDefinition[];
  /** Faults of the medium between authority and clients. @default none */
  faults?: HubFaults;
  /** Seeds the faults; print it so a failure replays. @default 1 */
  seed?: number;
  /** @default 'test-app' */
  name?: string;
  /** @default 10000 */
  callTimeoutMs?: number;
  /** @default noopLogger: tests stay quiet */
  logger?: Logger;
  /** Told about every app's problems. */
  onError?(context: SharedErrorContext): void;
  /** @default the platform's */
  timers?: Timers;
}

export interface TestBed {
  /** The app running the authority. */
  readonly server: SharedApp;
  /** The client apps, ready: connected, every store synced once. */
  readonly clients: SharedApp[];
  readonly hub: TransportHub;
  /** Starts one more client (a late joiner); resolves once it is ready. */
  addClient(stores?: readonly AnyStoreDefinition[]): Promise<SharedApp>;
  /**
   * Resolves once every client's copy of every store it loaded equals the authority's, revision
   * and data. Announcements the faults lost are repeated as needed, as a live app's next change
   * would. Rejects, naming who lags, when that has not happened within `timeoutMs` (default
   * 10 s) of real time.
   */
  settle(options?: { timeoutMs?: number }): Promise<void>;
  /** Disposes every app and the hub. */
  dispose(): Promise<void>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An authority and `clients` client apps in one process, linked through a
 * {@link createTransportHub} (with faults if asked), for testing an app without a browser.
 */
export async function createTestBed(options: TestBedOptions): Promise<TestBed> {
  const name = options.name ?? 'test-app';
  const seed = options.seed ?? 1;
  const hub = createTransportHub({
    seed,
    ...(options.faults && { faults: options.faults }),
    ...(options.timers && { timers: options.timers }),
  });
  const common = {
    logger: options.logger ?? noopLogger,
    ...(options.onError && { onError: options.onError }),
    ...(options.callTimeoutMs !== undefined && { callTimeoutMs: options.callTimeoutMs }),
    ...(options.timers && { timers: options.timers }),
  };
  const server = createSharedApp({
    ...common,
    stores: options.stores,
    share: { name, port: 'server', type: 'SharedWorker', transport: hub.server },
  });
  const clients: SharedApp[] = [];
  const start = (stores: readonly AnyStoreDefinition[]) => {
    const app = createSharedApp({
      ...common,
      stores,
      share: { name, port: 'client', type: 'SharedWorker', transport: hub.connect() },
    });
    clients.push(app);
    return app;
  };
  const count = options.clients ?? 1;
  for (let i = 0; i < count; i++) start(options.clientStores?.(i) ?? options.stores);
  await Promise.all(clients.map((client) => client.ready));

  /** What still differs, one line per client and store; empty once settled. */
  const lagging = () => {
    const lines: string[] = [];
    clients.forEach((client, index) => {
      for (const definition of options.stores) {
        let mirror: ReturnType<SharedApp['store']>;
        try {
          mirror = client.store(definition);
        } catch {
          continue; // not loaded by this client
        }
        const truth = server.store(definition);
        const at = mirror.status.getState();
        const want = truth.status.getState();
        const same =
          at.localRevision === want.localRevision &&
          at.epoch === want.epoch &&
          JSON.stringify(mirror.getState()) === JSON.stringify(truth.getState());
        if (!same) {
          lines.push(
            `client ${index} ${definition.name}: at ${at.localRevision ?? '-'} (${at.state}), authority at ${want.localRevision}`,
          );
        }
      }
    });
    return lines;
  };

  return {
    server,
    clients,
    hub,
    async addClient(stores = options.stores) {
      const app = start(stores);
      await app.ready;
      return app;
    },
    async settle({ timeoutMs = 10_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (let quiet = 0; ; ) {
        await pause(1);
        if (hub.inFlight() > 0) continue;
        if (lagging().length === 0) return;
        // Idle yet behind: the last announcement was lost. Say it again, every few rounds.
        if (++quiet % 8 === 0) internalsOf(server)?.republish();
        if (Date.now() > deadline) {
          throw new Error(
            `settle: not converged within ${timeoutMs} ms (seed ${seed}):\n${lagging().join('\n')}`,
          );
        }
      }
    },
    async dispose() {
      await Promise.all([...clients, server].map((app) => app.dispose()));
      hub.dispose();
    },
  };
}
