import { StateSyncError, type Unsubscribe } from '@statesync/core';
import { DEFAULT_INVALIDATE_CHANNEL, DEFAULT_SNAPSHOT_CHANNEL } from './default-channels.js';
import type { ContextBridgeLike, IpcRendererLike } from './electron-types.js';

/**
 * What a preload script hands to the page: just enough IPC for statesync, on a fixed list of
 * channels. Plain functions without `this`, so it survives `contextBridge`.
 */
export interface StateSyncBridge {
  /**
   * Calls `callback` with the payload of every message on `channel` and returns the function
   * that stops it. That function is the only handle on the subscription: a callback that
   * crosses `contextBridge` arrives as a new proxy each time, so it cannot identify one.
   */
  subscribe(channel: string, callback: (payload: unknown) => void): Unsubscribe;
  /** `ipcRenderer.invoke(channel, ...args)`. */
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
}

export interface StateSyncBridgeOptions {
  /**
   * The only channels the page may use through the bridge; others are refused with
   * `invalid_option`. Add your own channels here (for example the one your windows write
   * through), and set this when you change the channel names.
   * @default [DEFAULT_INVALIDATE_CHANNEL, DEFAULT_SNAPSHOT_CHANNEL]
   */
  channels?: readonly string[];
}

export interface ExposeStateSyncBridgeOptions extends StateSyncBridgeOptions {
  /** Electron's `contextBridge`. */
  contextBridge: ContextBridgeLike;
  /** Electron's `ipcRenderer`. */
  ipcRenderer: IpcRendererLike;
  /** The name the page finds the bridge under: `window[key]`. @default 'statesync' */
  key?: string;
}

/**
 * Preload script, without context isolation (or to wrap further yourself): the bridge over
 * `ipcRenderer`. The page never sees `ipcRenderer` or the IPC event, only payloads.
 */
export function createStateSyncBridge(
  ipcRenderer: IpcRendererLike,
  options: StateSyncBridgeOptions = {},
): StateSyncBridge {
  const allowed = new Set(
    options.channels ?? [DEFAULT_INVALIDATE_CHANNEL, DEFAULT_SNAPSHOT_CHANNEL],
  );
  const check = (channel: unknown): void => {
    if (typeof channel !== 'string' || !allowed.has(channel)) {
      throw new StateSyncError(
        'invalid_option',
        `channel ${JSON.stringify(channel)} is not open to the statesync bridge`,
      );
    }
  };

  return Object.freeze({
    subscribe(channel: string, callback: (payload: unknown) => void): Unsubscribe {
      check(channel);
      if (typeof callback !== 'function') {
        throw new StateSyncError('invalid_option', 'subscribe needs a callback function');
      }
      // A listener of our own per call, so the unsubscribe below removes exactly this one.
      // The event stays here: its `sender` is ipcRenderer itself.
      const listener = (_event: unknown, payload: unknown) => {
        try {
          callback(payload);
        } catch (error) {
          // ipcRenderer is an EventEmitter: a throw would skip the other listeners.
          queueMicrotask(() => {
            throw error;
          });
        }
      };
      ipcRenderer.on(channel, listener);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipcRenderer.removeListener(channel, listener);
      };
    },
    async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      check(channel);
      return ipcRenderer.invoke(channel, ...args);
    },
  });
}

/**
 * Preload script, with context isolation on (Electron's default): exposes the bridge to the
 * page as `window[key]`. Returns the bridge as the preload sees it.
 */
export function exposeStateSyncBridge(options: ExposeStateSyncBridgeOptions): StateSyncBridge {
  const { contextBridge, ipcRenderer, key = 'statesync' } = options;
  const bridge = createStateSyncBridge(
    ipcRenderer,
    options.channels === undefined ? {} : { channels: options.channels },
  );
  contextBridge.exposeInMainWorld(key, bridge);
  return bridge;
}
