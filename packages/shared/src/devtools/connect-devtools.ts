import {
  applyPatch,
  isStateSyncError,
  type Revision,
  StateSyncError,
  toStateSyncError,
  type Unsubscribe,
} from '@statesync/core';
import {
  createDevtoolsBridge,
  DEVTOOLS_FEATURES,
  type DevtoolsBridge,
  type DevtoolsConnect,
  type DevtoolsTarget,
  extensionConnect,
} from '@statesync/core/devtools';
import type { AnyStoreDefinition, ClientChannel, SharedApp } from '../types.js';
import {
  DEVTOOLS_COMMAND,
  DEVTOOLS_EVENT,
  type DevtoolsEvent,
  type DevtoolsRequest,
} from './devtools-protocol.js';
import { devtoolsServerOf, needInternals, serveDevtools } from './serve-devtools.js';

export interface DevtoolsOptions {
  /**
   * How to reach a panel: a function of the extension's `connect` shape, for an authority without a page
   * (Node, Electron main, a worker). @default the browser extension's, when it is there
   */
  connect?: DevtoolsConnect;
  /** The stores to show, each as its own instance in the panel. @default every store of the app */
  stores?: readonly AnyStoreDefinition[];
  /** Instances are named `<name>/<store>`. @default the app's name */
  name?: string;
  /** How many calls the panel and the authority keep. @default 50 */
  maxAge?: number;
}

/** One store's panel: its bridge, and the live state as the panel's history has it. */
interface Panel {
  bridge: DevtoolsBridge;
  state: unknown;
}

const target = ({ revision, state }: DevtoolsTarget) =>
  revision === undefined ? { state } : { revision, state };

/**
 * Shows every store of `app` in Redux DevTools, from this window, whatever runs the authority:
 * each call as an action named after it, with its args, patches, revision, caller and duration.
 * The panel's time travel, rollback, commit, reset, import, skip and pause run on the
 * authority, so every window shows the state travelled to; jumping back to the last action
 * (or the next call) returns to the live state. Does nothing without a panel to reach.
 * Returns the disconnect.
 */
export function connectDevtools(app: SharedApp, options: DevtoolsOptions = {}): Unsubscribe {
  const internals = needInternals(app);
  const maxAge = options.maxAge ?? 50;
  const stopServing = serveDevtools(app, { maxAge });
  const connect = options.connect ?? extensionConnect();
  if (!connect) {
    internals.logger.info('Redux DevTools not found: connectDevtools shows nothing here');
    return stopServing;
  }
  const local = app.role === 'server';
  let channel: ClientChannel | undefined;

  const request = async (message: DevtoolsRequest): Promise<unknown> => {
    if (local) {
      const server = devtoolsServerOf(app);
      if (!server) throw new StateSyncError('stopped', `app "${app.name}" is not serving`);
      return server.command(message);
    }
    if (!channel) throw new StateSyncError('stopped', 'not connected to the authority');
    return channel.emit(DEVTOOLS_COMMAND, message);
  };

  const panels = new Map<string, Panel>();
  for (const definition of options.stores ?? internals.stores()) {
    const store = definition.name;
    const connection = connect({
      name: `${options.name ?? app.name}/${store}`,
      maxAge,
      features: DEVTOOLS_FEATURES,
    });
    const bridge = createDevtoolsBridge({
      connection,
      onError: (error) =>
        internals.report({
          phase: 'listener',
          error: toStateSyncError(error, 'remote', 'DevTools'),
          store,
        }),
      commands: {
        travel: (to) => request({ store, command: 'travel', ...target(to) }),
        live: () => request({ store, command: 'live' }),
        commit: () => request({ store, command: 'commit' }),
        rollback: (to) => request({ store, command: 'rollback', ...target(to) }),
        reset: () => request({ store, command: 'reset' }),
        import: (state) => request({ store, command: 'import', state }),
        pause: (paused) => request({ store, command: 'pause', paused }),
        skip: (revisions) =>
          request({ store, command: 'skip', revisions: [...revisions] }) as Promise<
            Record<Revision, unknown>
          >,
      },
    });
    panels.set(store, { bridge, state: undefined });
  }

  const onEvent = (payload: unknown) => {
    const event = payload as DevtoolsEvent;
    const panel = panels.get(event?.store);
    if (!panel) return;
    if (event.kind === 'init') {
      panel.state = event.state;
      panel.bridge.init(event.state, event.revision);
      return;
    }
    if (event.kind !== 'call' || panel.state === undefined) return;
    panel.state = applyPatch(panel.state, event.patches);
    const { action, args, patches, revision, clientId, durationMs } = event;
    panel.bridge.record(
      { type: action, args, patches, revision, clientId: clientId ?? 'authority', durationMs },
      panel.state,
      revision,
    );
  };

  const watchAll = (watch: (store: string) => Promise<unknown>) => {
    for (const store of panels.keys()) {
      watch(store).catch((error: unknown) => {
        const unserved =
          isStateSyncError(error, 'invalid_option') && /nothing listens/.test(error.message);
        internals.report({
          phase: 'listener',
          error: unserved
            ? new StateSyncError(
                'invalid_option',
                `DevTools cannot watch "${store}": the authority does not serve DevTools (call serveDevtools(app) in its script)`,
              )
            : toStateSyncError(error, 'remote', `DevTools could not watch "${store}"`),
          store,
        });
      });
    }
  };

  const stops: Unsubscribe[] = [];
  let stopped = false;
  if (local) {
    // An app that never serves (its ready rejected) has nothing to show; that is reported already.
    app.ready.then(
      () =>
        watchAll(async (store) => {
          const server = devtoolsServerOf(app);
          if (server && !stopped) stops.push(server.watch(store, onEvent));
        }),
      () => {},
    );
  } else {
    stops.push(
      app.onClient((next) => {
        channel = next;
        const off = next.listen(DEVTOOLS_EVENT, onEvent);
        // Every link anew: a new authority (a failover, a restarted worker) starts each panel over.
        watchAll((store) => next.emit(DEVTOOLS_COMMAND, { store, command: 'watch' }));
        return () => {
          off();
          if (channel === next) channel = undefined;
        };
      }),
    );
  }

  return () => {
    if (stopped) return;
    stopped = true;
    for (const store of panels.keys()) {
      if (channel) channel.emit(DEVTOOLS_COMMAND, { store, command: 'unwatch' }).catch(() => {});
    }
    for (const stop of stops) stop();
    for (const panel of panels.values()) panel.bridge.dispose();
    stopServing();
  };
}
