import {
  assertCloneable,
  createConsoleLogger,
  defaultTimers,
  randomId,
  StateSyncError,
  tagLogger,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core';
import { type AuthorityHost, createAuthorityHost } from './authority-host.js';
import { checkOptions } from './check-options.js';
import { createSharedClient, type SharedClient } from './client.js';
import { type ClientView, createClientView } from './client-view.js';
import { registerInternals } from './internals.js';
import { createLocalLink } from './local-link.js';
import { createObservable } from './observable.js';
import { createReporter } from './report.js';
import { createRoleSetups } from './role-setups.js';
import { findAction } from './run-action.js';
import {
  createSharedWorkerServerTransport,
  type OpenedWorker,
  openSharedWorker,
} from './shared-worker.js';
import { registerCaller } from './spawn.js';
import type {
  AnyStoreDefinition,
  ClientChannel,
  ServerChannel,
  SharedApp,
  SharedAppOptions,
  SharedAppStatus,
  StoreHandle,
} from './types.js';

/**
 * Starts one side of a shared app: the authority (`port: 'server'`, inside the SharedWorker), a
 * client page (`port: 'client'`), or both in one page (`type: 'Local'`). A client whose worker
 * cannot start (no `SharedWorker`, a script that fails to load, no welcome in time, another
 * version of the app) falls back to `Local` and logs why.
 */
export function createSharedApp(options: SharedAppOptions): SharedApp {
  const { share } = options;
  const { name, version, role, callTimeoutMs, startTimeoutMs } = checkOptions(options);
  const logger = tagLogger(options.logger ?? createConsoleLogger(), { app: name });
  const report = createReporter(logger, options.onError);
  const timers = options.timers ?? defaultTimers;
  const clientId = randomId();
  const status = createObservable<SharedAppStatus>(
    { mode: share.type, role, clientId, connected: role === 'server' },
    logger,
  );
  const setStatus = (change: Partial<SharedAppStatus>) =>
    status.set({ ...status.getState(), ...change });

  const definitions = new Map<string, AnyStoreDefinition>();
  const views = new Map<string, ClientView>();
  const serverSetups = createRoleSetups<ServerChannel>('onServer', report);
  const clientSetups = createRoleSetups<ClientChannel>('onClient', report);
  let host: AuthorityHost | undefined;
  let client: SharedClient | undefined;
  let clientReady = false;
  const cleanups: Unsubscribe[] = [];
  let disposing: Promise<void> | undefined;

  const stopped = () => new StateSyncError('stopped', `app "${name}" was disposed`);

  const serverHandle = (definition: AnyStoreDefinition): StoreHandle => {
    const store = host!.addStore(definition);
    registerCaller(store.handle, (action, args) => host!.call(definition.name, action, args));
    return store.handle;
  };

  /** A call from this app's code: straight to the authority or the link when they are up. */
  const call = (definition: AnyStoreDefinition, action: string, args: readonly unknown[]) => {
    if (disposing) return Promise.reject(stopped());
    if (role === 'server') return host!.call(definition.name, action, args);
    if (client && clientReady) return client.call(definition.name, action, args);
    // Still connecting (or falling back): check what can be checked now, send once ready.
    try {
      if (!findAction(definition, action)) {
        throw new StateSyncError(
          'invalid_option',
          `store "${definition.name}" has no action "${action}"`,
        );
      }
      assertCloneable(args, `${definition.name}.${action} args`);
    } catch (error) {
      return Promise.reject(error);
    }
    return ready.then(() => {
      if (!client || disposing) throw stopped();
      return client.call(definition.name, action, args);
    });
  };

  const register = (definition: AnyStoreDefinition): StoreHandle => {
    if (typeof definition?.name !== 'string' || typeof definition.state !== 'function') {
      throw new StateSyncError('invalid_option', 'a store must come from defineStore');
    }
    const known = definitions.get(definition.name);
    if (known && known !== definition) {
      throw new StateSyncError(
        'invalid_option',
        `two different stores are named "${definition.name}"`,
      );
    }
    definitions.set(definition.name, definition);
    if (role === 'server') return serverHandle(definition);
    if (host) host.addStore(definition);
    let view = views.get(definition.name);
    if (!view) {
      view = createClientView(definition, logger);
      registerCaller(view.handle, (action, args) => call(definition, action, args));
      views.set(definition.name, view);
      if (client) view.attach(client);
    }
    return view.handle;
  };

  const startHost = () => {
    const started = createAuthorityHost({
      app: name,
      version,
      logger,
      report,
      callTimeoutMs,
      timers,
    });
    host = started;
    for (const definition of definitions.values()) started.addStore(definition);
    serverSetups.start(started.channel);
    return started;
  };

  const attachClient = async (next: SharedClient) => {
    client = next;
    clientReady = false;
    for (const view of views.values()) view.attach(next);
    await next.connected;
    if (client !== next) return;
    clientReady = true;
    setStatus({ connected: true });
    clientSetups.start(next.channel);
    await Promise.all([...views.values()].map((view) => view.started()));
  };

  const clientOptions = {
    app: name,
    clientId,
    version,
    logger,
    report,
    callTimeoutMs,
    startTimeoutMs,
    timers,
  };

  const startLocal = () => {
    setStatus({ mode: 'Local', role: 'local' });
    const link = createLocalLink({ logger });
    startHost().connect(link.server);
    return attachClient(createSharedClient({ ...clientOptions, transport: link.client }));
  };

  const startWorkerClient = (): Promise<void> => {
    if (share.type !== 'SharedWorker' || share.port !== 'client') return startLocal();
    if (share.transport) {
      const attached = attachClient(
        createSharedClient({ ...clientOptions, transport: share.transport }),
      );
      attached.catch((error: unknown) => {
        if (!disposing)
          report({ phase: 'connect', error: toStateSyncError(error, 'protocol', 'connect') });
      });
      return attached;
    }
    const { workerURL } = share;
    const Worker = share.SharedWorker ?? globalThis.SharedWorker;
    return new Promise<void>((resolve, reject) => {
      let opened: OpenedWorker | undefined;
      let fellBack = false;
      const fallBack = (reason: string) => {
        if (fellBack) return;
        if (disposing) {
          reject(stopped());
          return;
        }
        if (clientReady) {
          logger.warn('the SharedWorker reported an error', { reason });
          return;
        }
        fellBack = true;
        logger.warn(`falling back to Local mode: ${reason}`, { reason });
        opened?.release();
        const abandoned = client;
        client = undefined;
        void abandoned?.dispose();
        startLocal().then(resolve, reject);
      };
      try {
        opened = openSharedWorker(workerURL!, name, Worker, fallBack, logger);
      } catch (error) {
        fallBack((error as Error).message);
        return;
      }
      attachClient(createSharedClient({ ...clientOptions, transport: opened.transport })).then(
        resolve,
        (error: unknown) => fallBack((error as Error).message),
      );
    });
  };

  let ready: Promise<void>;
  if (role === 'server') {
    const started = startHost();
    for (const definition of options.stores) register(definition);
    const server =
      share.type === 'SharedWorker' && share.port === 'server' ? share.transport : undefined;
    cleanups.push(started.accept(server ?? createSharedWorkerServerTransport(undefined, logger)));
    ready = Promise.resolve();
  } else {
    for (const definition of options.stores) register(definition);
    ready = role === 'local' ? startLocal() : startWorkerClient();
  }
  // Whoever awaits `ready` hears a failure; nobody awaiting it is no unhandled rejection.
  ready.catch(() => {});

  const app: SharedApp = {
    name,
    get mode() {
      return status.getState().mode;
    },
    get role() {
      return status.getState().role;
    },
    status: { getState: status.getState, subscribe: status.subscribe },
    ready,
    store<D extends AnyStoreDefinition>(definition: D): StoreHandle<D> {
      const known = definitions.get(definition?.name);
      if (known !== definition) {
        throw new StateSyncError(
          'invalid_option',
          `store "${String(definition?.name)}" is not part of app "${name}": list it in stores or add it with addStore`,
        );
      }
      const handle =
        role === 'server'
          ? host!.getStore(definition.name)!.handle
          : views.get(definition.name)!.handle;
      return handle as unknown as StoreHandle<D>;
    },
    async addStore<D extends AnyStoreDefinition>(definition: D): Promise<StoreHandle<D>> {
      if (disposing) throw stopped();
      const handle = register(definition) as unknown as StoreHandle<D>;
      if (role !== 'server') {
        await ready;
        await views.get(definition.name)!.started();
      }
      return handle;
    },
    onServer: (setup) => serverSetups.add(setup),
    onClient: (setup) => clientSetups.add(setup),
    async emit(event, payload) {
      if (disposing) throw stopped();
      if (role === 'server') return host!.channel.emit(event, payload);
      await ready;
      if (!client) throw stopped();
      return client.channel.emit(event, payload);
    },
    listen(event, handler) {
      if (role === 'server') return serverSetups.add((channel) => channel.listen(event, handler));
      return clientSetups.add((channel) => channel.listen(event, handler));
    },
    dispose() {
      disposing ??= (async () => {
        clientSetups.stop();
        serverSetups.stop();
        for (const cleanup of cleanups) cleanup();
        for (const view of views.values()) view.detach();
        const leaving = client;
        client = undefined;
        setStatus({ connected: false });
        await leaving?.dispose();
        host?.dispose();
      })();
      return disposing;
    },
  };
  registerInternals(app, { republish: () => host?.republish() });
  return app;
}
