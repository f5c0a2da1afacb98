import {
  createConsoleLogger,
  defaultTimers,
  randomId,
  StateSyncError,
  type Transport,
  tagLogger,
  type Unsubscribe,
} from '@statesync/core/base';
import type { AuthorityHost } from '../authority/authority-host.js';
import type { StoreSaver } from '../authority/storage.js';
import { checkCall } from '../client/check-call.js';
import type { SharedClient } from '../client/client.js';
import { type ClientView, createClientView } from '../client/client-view.js';
import { holdConnections } from '../links/hold-connections.js';
import type { AppRuntime } from '../modes/app-runtime.js';
import { checkOptions } from '../modes/check-options.js';
import { lazyModule } from '../modes/lazy-module.js';
import { serverTransportFor } from '../modes/server-transport.js';
import { startClientMode } from '../modes/start-client.js';
import { holdTabLock, lockManager } from '../modes/tab-lock.js';
import { isDevelopment } from '../store/development.js';
import { createObservable } from '../store/observable.js';
import type { StoreRecord } from '../store/store-record.js';
import type {
  AnyStoreDefinition,
  ClientChannel,
  ServerChannel,
  ServerShareOptions,
  ServerTransport,
  SharedApp,
  SharedAppOptions,
  SharedAppStatus,
  StoreHandle,
} from '../types.js';
import { topicOf } from '../wire/names.js';
import { createReporter } from '../wire/report.js';
import { hostLink, ignore } from './host-link.js';
import { registerInternals } from './internals.js';
import { createRoleSetups } from './role-setups.js';
import { bindActions } from './store-handle.js';

/**
 * The link's code (the revision engine and the wire): loaded as a page's first client app
 * starts, then at hand, so that links after it start at once as they did before it loaded.
 */
const clientCode = lazyModule(() => import('../client/client.js'));

/**
 * Starts one side of a shared app: the authority (`port: 'server'`, inside the SharedWorker), a
 * client page, or a page of a mode where the authority is found or elected at run time
 * (`SharedTab`, `Auto`), or both in one page (`Local`). A mode that cannot start falls down the
 * ladder SharedWorker → SharedTab → Local and says why in one warning.
 */
export function createSharedApp(options: SharedAppOptions): SharedApp {
  const { share } = options;
  const { name, version, role, callTimeoutMs, startTimeoutMs } = checkOptions(options);
  const logger = tagLogger(options.logger ?? createConsoleLogger(), { app: name });
  const report = createReporter(logger, options.onError);
  const timers = options.timers ?? defaultTimers;
  const development = options.development ?? isDevelopment();
  const clientId = randomId();
  const status = createObservable<SharedAppStatus>(
    { mode: share.type === 'Auto' ? 'Local' : share.type, role, clientId, connected: false },
    logger,
  );
  const setStatus = (change: Partial<SharedAppStatus>) =>
    status.set({ ...status.getState(), ...change });
  const storage = 'storage' in share ? share.storage : undefined;
  let saver: StoreSaver | undefined;
  let authority: Promise<typeof import('../authority/index.js')> | undefined;
  /** The authority's code, loaded where one runs: a page that is only a client never needs it. */
  const loadAuthority = () =>
    (authority ??= import('../authority/index.js').then((loaded) => {
      if (storage) saver = loaded.createStoreSaver(storage, logger, report);
      return loaded;
    }));

  const definitions = new Map<string, AnyStoreDefinition>();
  const views = new Map<string, ClientView>();
  const serverSetups = createRoleSetups<ServerChannel>('onServer', report);
  const clientSetups = createRoleSetups<ClientChannel>('onClient', report);
  const hostSetups = createRoleSetups<AuthorityHost>('onHost', report);
  let host: AuthorityHost | undefined;
  let client: SharedClient | undefined;
  const cleanups: Unsubscribe[] = [];
  let disposing: Promise<void> | undefined;

  const stopped = () => new StateSyncError('stopped', `app "${name}" was disposed`);
  const topics = () =>
    new Map([...definitions.keys()].map((store) => [store, topicOf(name, store)] as const));

  /** A call from this app's code: straight to the authority or the link when there is one. */
  const call = (definition: AnyStoreDefinition, action: string, args: readonly unknown[]) => {
    if (disposing) return Promise.reject(stopped());
    if (host && role === 'server') return host.call(definition.name, action, args);
    if (client) return client.call(definition.name, action, args);
    // Still looking for the authority: check what can be checked now, send once linked.
    try {
      checkCall(definition, action, args);
    } catch (error) {
      return Promise.reject(error);
    }
    return ready.then(() => {
      if (disposing) throw stopped();
      if (host && role === 'server') return host.call(definition.name, action, args);
      if (!client) throw stopped();
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
    if (role === 'server') {
      const store = host!.addStore(definition);
      return bindActions(store.handle, (action, args) => host!.call(definition.name, action, args));
    }
    if (host) host.addStore(definition);
    let view = views.get(definition.name);
    if (!view) {
      view = createClientView(definition, logger, development);
      bindActions(view.handle, (action, args) => call(definition, action, args));
      views.set(definition.name, view);
      if (client) view.attach(client);
    }
    return view.handle as StoreHandle;
  };

  const startHost = async (recovered?: ReadonlyMap<string, StoreRecord>, shareLedger = false) => {
    const { createAuthorityHost } = await loadAuthority();
    if (disposing) throw stopped();
    const started = createAuthorityHost({
      app: name,
      version,
      logger,
      report,
      callTimeoutMs,
      timers,
      shareLedger,
      development,
      ...(recovered && { recovered }),
      ...(saver && { onFlush: saver.save }),
    });
    host = started;
    // On the authority the handles are its stores': there before `onServer` setups run (they
    // may seed state) and before any client is served.
    for (const definition of definitions.values()) {
      if (role === 'server') register(definition);
      else started.addStore(definition);
    }
    serverSetups.start(started.channel);
    hostSetups.stop();
    hostSetups.start(started);
    return started;
  };

  /** Holds `server`'s connections until the authority, still loading, accepts them. */
  const holding = (server: ServerTransport) => {
    const held = holdConnections(server);
    cleanups.push(held.stop);
    return held;
  };

  /**
   * Syncs this app over `transport` from now on. The previous link's calls in flight move to
   * the new one and are sent again with their ids. Resolves once welcomed and every store has
   * its first snapshot; rejects when refused or when no welcome comes.
   */
  const link = async (transport: Transport) => {
    const { createSharedClient } = clientCode.now() ?? (await clientCode.load());
    if (disposing) {
      transport.close();
      throw stopped();
    }
    const previous = client;
    const inherited = previous?.handOver() ?? [];
    if (previous) {
      clientSetups.stop();
      setStatus({ connected: false });
    }
    const next = createSharedClient({
      app: name,
      version,
      clientId,
      transport,
      logger,
      report,
      callTimeoutMs,
      startTimeoutMs,
      timers,
      inherited,
      // Where the authority runs in this page, its answer comes as fast as a guess would.
      optimistic: host === undefined,
      ...(tabLock && { lock: tabLock.name }),
    });
    client = next;
    for (const view of views.values()) view.attach(next);
    await next.connected;
    if (client !== next) return;
    setStatus({ connected: true });
    clientSetups.start(next.channel);
    await Promise.all([...views.values()].map((view) => view.started()));
  };

  const runtime: AppRuntime = {
    name,
    clientId,
    version,
    startTimeoutMs,
    locks: lockManager(share),
    logger,
    report,
    timers,
    share,
    isDisposing: () => disposing !== undefined,
    setStatus,
    link,
    lead(recovered, server) {
      const starting = startHost(recovered, true);
      const held = holding(server);
      starting.then((started) => cleanups.push(started.accept(held)), ignore);
      return hostLink(starting, report);
    },
    startHost: () => hostLink(startHost(), report),
    copies: () => {
      const copies: ReturnType<AppRuntime['copies']> = {};
      for (const [store, view] of views) {
        const copy = view.copy();
        if (copy) copies[store] = copy;
      }
      return copies;
    },
    stored: storage ? () => loadAuthority().then(() => saver!.load(topics())) : undefined,
    onDispose: (cleanup) => cleanups.push(cleanup),
  };

  /** A Web Lock this app holds for its life, so an authority notices when it is gone. */
  const tabLock = role === 'server' ? undefined : holdTabLock(name, clientId, runtime);

  let ready: Promise<void>;
  if (role === 'server') {
    // Clients that connect while the authority's code and the stored stores load (the message
    // that woke a service worker) are held, not lost.
    const server = serverTransportFor(share as ServerShareOptions, logger);
    const held = holding(server.transport);
    for (const definition of options.stores) definitions.set(definition.name, definition);
    ready = Promise.all([loadAuthority(), server.loaded])
      .then(() => saver?.load(topics()))
      .then(async (copies) => {
        if (disposing) return;
        const started = await startHost(copies && new Map(Object.entries(copies)));
        cleanups.push(started.accept(held));
        setStatus({ connected: true });
      });
  } else {
    for (const definition of options.stores) register(definition);
    clientCode.load().catch(ignore);
    ready = (tabLock?.held ?? Promise.resolve()).then(() => startClientMode(runtime));
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
          ? host?.getStore(definition.name)?.handle
          : views.get(definition.name)?.handle;
      if (!handle) throw new StateSyncError('stopped', `app "${name}" is not serving yet`);
      return handle as unknown as StoreHandle<D>;
    },
    async addStore<D extends AnyStoreDefinition>(definition: D): Promise<StoreHandle<D>> {
      if (disposing) throw stopped();
      if (role === 'server') {
        // The authority's own handles come from its stores, which exist once it serves.
        await ready;
        if (disposing) throw stopped();
      }
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
      await ready;
      const channel = role === 'server' ? host?.channel : client?.channel;
      if (!channel || disposing) throw stopped();
      return channel.emit(event, payload);
    },
    listen(event, handler) {
      if (role === 'server') return serverSetups.add((channel) => channel.listen(event, handler));
      return clientSetups.add((channel) => channel.listen(event, handler));
    },
    dispose() {
      if (disposing) return disposing;
      // Set before the steps run: a listener they call that disposes again gets this promise.
      let steps = Promise.resolve();
      disposing = Promise.resolve().then(() => steps);
      steps = (async () => {
        clientSetups.stop();
        serverSetups.stop();
        hostSetups.stop();
        for (const cleanup of cleanups) cleanup();
        for (const view of views.values()) view.detach();
        const leaving = client;
        client = undefined;
        setStatus({ connected: false });
        await leaving?.dispose();
        host?.dispose();
        tabLock?.release();
      })();
      return disposing;
    },
  };
  registerInternals(app, {
    republish: () => host?.republish(),
    onHost: hostSetups.add,
    stores: () => [...definitions.values()],
    logger,
    report,
  });
  return app;
}
