import { StateSyncError } from '../errors.js';
import { randomId } from '../random.js';
import { defaultTimers } from '../timers.js';
import type { Timers } from '../types.js';
import type { WebSocketConstructor } from '../websocket-transport.js';
import { type ClusterSocket, createClusterSocket } from './cluster-socket.js';
import type {
  DevtoolsConnect,
  DevtoolsConnection,
  DevtoolsConnectOptions,
  DevtoolsMessage,
} from './devtools-connection.js';
import { createLiftedHistory, type LiftedHistory } from './lifted-history.js';

export interface RemoteDevtoolsOptions {
  /** The host of the Redux DevTools server (`redux-devtools --hostname`). @default 'localhost' */
  hostname?: string;
  /** Its port (`redux-devtools --port`). @default 8000 */
  port?: number;
  /** Connect with `wss://` (a server started with `--protocol https`). @default false */
  secure?: boolean;
  /** @default globalThis.WebSocket (in Node before 22, pass `WebSocket` of the `ws` package) */
  WebSocket?: WebSocketConstructor;
  /** Reconnect delays: full jitter below a ceiling that doubles from `minMs` to `maxMs`. @default { minMs: 100, maxMs: 5000 } */
  backoff?: { minMs?: number; maxMs?: number };
  /** Told when the server is lost (the socket then connects again by itself). */
  onError?(error: StateSyncError): void;
  /** @default the platform's timers */
  timers?: Timers;
  /** Draws instance ids and reconnect jitter. @default Math.random */
  random?: () => number;
}

/** One panel instance: its history for monitors that start late, and its listeners. */
interface Instance {
  id: string;
  name: string;
  libConfig: { name: string; features: unknown };
  history: LiftedHistory;
  listeners: Set<(message: DevtoolsMessage) => void>;
}

/** What monitors send to the app side, as the remote server relays it. */
interface MonitorMessage {
  type?: unknown;
  instanceId?: unknown;
  action?: unknown;
  state?: unknown;
}

/**
 * A `connect` for authorities without a page (Node, Electron's main process, Tauri, a worker):
 * each instance appears in the monitors of a Redux DevTools server (`@redux-devtools/cli`,
 * i.e. `npx redux-devtools --open`), and their commands come back as the extension's would. All
 * instances share one socket, opened on the first `connect` and closed when the last instance
 * stops listening. The socket reconnects by itself; each (re)connection and each monitor that
 * starts gets every instance's history.
 */
export function remoteDevtools(options: RemoteDevtoolsOptions = {}): DevtoolsConnect {
  const Socket =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof Socket !== 'function') {
    throw new StateSyncError(
      'invalid_option',
      'WebSocket is not available here: pass remoteDevtools({ WebSocket }) (e.g. from the ws package)',
    );
  }
  const hostname = options.hostname ?? 'localhost';
  const port = options.port ?? 8000;
  const url = `${options.secure ? 'wss' : 'ws'}://${hostname}:${port}/socketcluster/`;
  const random = options.random ?? Math.random;
  const timers = options.timers ?? defaultTimers;
  const instances = new Map<string, Instance>();
  let socket: ClusterSocket | undefined;
  let socketId: string | undefined;

  const post = (instance: Instance, type: string, fields: Record<string, unknown> = {}) =>
    socket?.transmit('log', {
      type,
      id: socketId,
      instanceId: instance.id,
      name: instance.name,
      libConfig: instance.libConfig,
      ...fields,
    });
  /** The instance from scratch: its start (so monitors see no Redux store), then its history. */
  const announce = (instance: Instance) => {
    post(instance, 'INIT', { payload: JSON.stringify(instance.history.start()) });
    post(instance, 'STATE', { payload: JSON.stringify(instance.history.lifted()) });
  };

  const hear = (instance: Instance, message: DevtoolsMessage) => {
    if (message.type === 'DISPATCH') instance.history.command(message.payload);
    for (const listener of [...instance.listeners]) listener(message);
  };
  const fromMonitor = (raw: unknown) => {
    const message = (raw ?? {}) as MonitorMessage;
    const addressed =
      typeof message.instanceId === 'string' ? instances.get(message.instanceId) : undefined;
    const targets = addressed ? [addressed] : message.instanceId ? [] : [...instances.values()];
    for (const instance of targets) {
      switch (message.type) {
        case 'START':
        case 'UPDATE':
          announce(instance);
          break;
        case 'DISPATCH':
          hear(instance, { type: 'DISPATCH', payload: message.action, state: message.state });
          break;
        case 'IMPORT':
          // The extension hands an import over as a DISPATCH of IMPORT_STATE; so does this.
          hear(instance, {
            type: 'DISPATCH',
            payload: { type: 'IMPORT_STATE', nextLiftedState: parseJson(message.state) },
          });
          break;
      }
    }
  };

  const open = () =>
    createClusterSocket({
      url,
      WebSocket: Socket,
      timers,
      random,
      backoff: { minMs: options.backoff?.minMs ?? 100, maxMs: options.backoff?.maxMs ?? 5000 },
      onOpen(id) {
        socketId = id;
        const mine = socket;
        // `login` as an app ("master") names the channel monitors talk to every app on;
        // `sc-<id>` is where they talk to this socket alone.
        mine
          ?.invoke('login', 'master')
          .then((channel) =>
            Promise.all([mine.subscribe(String(channel)), mine.subscribe(`sc-${id}`)]),
          )
          .then(() => {
            if (socket === mine) for (const instance of instances.values()) announce(instance);
          })
          .catch(() => {}); // a lost socket says so through onLost
      },
      onPublish: (_channel, data) => fromMonitor(data),
      onLost(reason) {
        socketId = undefined;
        options.onError?.(
          new StateSyncError('stopped', `lost the Redux DevTools server at ${url} (${reason})`),
        );
      },
    });

  const release = (instance: Instance) => {
    if (!instances.delete(instance.id) || instances.size > 0) return;
    socket?.close();
    socket = undefined;
    socketId = undefined;
  };

  return (connectOptions: DevtoolsConnectOptions): DevtoolsConnection => {
    const name = connectOptions.name ?? 'statesync';
    const instance: Instance = {
      id: randomId(random),
      name,
      libConfig: { name, features: connectOptions.features },
      history: createLiftedHistory(connectOptions.maxAge ?? 50, timers.now),
      listeners: new Set(),
    };
    instances.set(instance.id, instance);
    socket ??= open();
    return {
      init(state) {
        instance.history.init(state);
        announce(instance);
      },
      send(action, state) {
        if (action === null) {
          instance.history.replace(state);
          post(instance, 'STATE', { payload: JSON.stringify(instance.history.lifted()) });
          return;
        }
        const performed = instance.history.record(action, state);
        post(instance, 'ACTION', {
          payload: JSON.stringify(state),
          action: JSON.stringify(performed),
          nextActionId: instance.history.lifted().nextActionId,
          maxAge: connectOptions.maxAge,
        });
      },
      subscribe(listener) {
        instance.listeners.add(listener);
        return () => {
          instance.listeners.delete(listener);
          if (instance.listeners.size === 0) release(instance);
        };
      },
      unsubscribe() {
        instance.listeners.clear();
        release(instance);
      },
      error(message) {
        post(instance, 'ERROR', { payload: message });
      },
    };
  };
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
