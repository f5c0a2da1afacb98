// An in-process stand-in for the parts of Electron that @statesync/electron talks to. Electron
// itself cannot run in this repository's tests, so this file reproduces the behaviour that
// matters to the package, as Electron (lib/browser/api/web-contents.ts, lib/renderer/api/
// ipc-renderer.ts, the context bridge) has it:
//
// - ipcMain.handle: one handler per channel; a second one throws "Attempted to register a second
//   handler for '<channel>'". An invoke with no handler, a handler that throws or a result that
//   cannot be cloned rejects in the renderer with an Error whose message is
//   "Error invoking remote method '<channel>': " + String(what was thrown).
// - webContents.send / ipcRenderer.invoke: every payload is structured-cloned when sent (an
//   uncloneable one throws "An object could not be cloned." right there) and delivered later,
//   after a macrotask hop through a MessageChannel, in the order sent. Never synchronously.
// - A destroyed webContents: isDestroyed() is true, send throws "Object has been destroyed",
//   messages still under way to it are dropped, and replies to its pending invokes never arrive.
// - ipcRenderer is a Node EventEmitter, as Electron's is: listeners are called with
//   (event, ...args), a throwing listener skips the ones after it, listenerCount works.
// - contextBridge.exposeInMainWorld deep-copies the API into the page's world: objects and
//   arrays are copied without their prototypes, functions become new proxy functions on every
//   crossing (in both directions, arguments and return values included), promises are proxied
//   only at the top level, errors arrive as plain Errors with the message only, symbols drop.

import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import type {
  ContextBridgeLike,
  IpcMainInvokeEventLike,
  IpcMainLike,
  IpcRendererLike,
  WebContentsLike,
} from '../src/index.js';

type Handler = (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown;

export interface StandInWebContents extends WebContentsLike {
  getURL(): string;
}

export interface StandInIpcRenderer extends IpcRendererLike {
  listenerCount(channel: string): number;
}

export interface StandInIpcMain extends IpcMainLike {
  /** Channels that have a handler now. */
  handledChannels(): string[];
}

export interface StandInWindow {
  readonly webContents: StandInWebContents;
  /** The preload script's `ipcRenderer`. */
  readonly ipcRenderer: StandInIpcRenderer;
  /** The preload script's `contextBridge`. */
  readonly contextBridge: ContextBridgeLike;
  /** The page's `window`, as far as the preload exposed anything on it. */
  readonly mainWorld: Record<string, unknown>;
  /** Closes the window: its webContents is destroyed and its page stops receiving. */
  destroy(): void;
}

export interface ElectronStandIn {
  readonly ipcMain: StandInIpcMain;
  createWindow(url?: string): StandInWindow;
  /** The webContents not destroyed, like Electron's `webContents.getAllWebContents()`. */
  getAllWebContents(): StandInWebContents[];
  /** Messages and invokes sent but not yet delivered or answered. */
  inFlight(): number;
  /** What the main process printed for failed handlers ("Error occurred in handler for ..."). */
  readonly handlerErrors: unknown[];
  /**
   * Hops macrotasks until nothing is in flight and `until()` holds. Bounded: throws after
   * `maxHops` hops, so a test that waits for something that never happens fails.
   */
  settle(until?: () => boolean, maxHops?: number): Promise<void>;
  /** Closes the stand-in's message port. */
  dispose(): void;
}

const CLONE_FAILED = 'An object could not be cloned.';

function cloneForIpc<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    throw new Error(CLONE_FAILED);
  }
}

export function createElectronStandIn(): ElectronStandIn {
  // One FIFO pipe for the whole app: a valid ordering of Electron's per-window pipes.
  const queue: (() => void)[] = [];
  const pipe = new MessageChannel();
  pipe.port2.on('message', () => queue.shift()?.());
  pipe.port2.unref();
  let inFlight = 0;
  /** Runs `task` after a macrotask hop; never inside the caller. */
  const hop = (task: () => void) => {
    inFlight++;
    queue.push(() => {
      inFlight--;
      task();
    });
    pipe.port1.postMessage(null);
  };

  const handlers = new Map<string, Handler>();
  const handlerErrors: unknown[] = [];
  const ipcMain: StandInIpcMain = {
    handle(channel, listener) {
      if (handlers.has(channel)) {
        throw new Error(`Attempted to register a second handler for '${channel}'`);
      }
      if (typeof listener !== 'function') {
        throw new Error(`Expected handler to be a function, but found type '${typeof listener}'`);
      }
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
    handledChannels: () => [...handlers.keys()],
  };

  /** The main side of an invoke: Electron's reply is `{ result }` or `{ error: String(thrown) }`. */
  const answer = async (
    channel: string,
    event: IpcMainInvokeEventLike,
    args: unknown[],
  ): Promise<{ result: unknown } | { error: string }> => {
    const handler = handlers.get(channel);
    try {
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const result = await handler(event, ...args);
      return { result: cloneForIpc(result) };
    } catch (error) {
      handlerErrors.push(error);
      return { error: String(error) };
    }
  };

  const live = new Set<StandInWebContents>();
  let nextId = 1;

  const createWindow = (url = 'app://index.html'): StandInWindow => {
    const id = nextId++;
    let destroyed = false;
    const guard = () => {
      if (destroyed) throw new Error('Object has been destroyed');
    };
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);

    const webContents: StandInWebContents = {
      id,
      isDestroyed: () => destroyed,
      getURL() {
        guard();
        return url;
      },
      send(channel, ...args) {
        guard();
        const payload = cloneForIpc(args);
        hop(() => {
          if (!destroyed) emitter.emit(channel, { sender: ipcRenderer, ports: [] }, ...payload);
        });
      },
    };

    const ipcRenderer: StandInIpcRenderer = {
      on(channel, listener) {
        emitter.on(channel, listener);
        return ipcRenderer;
      },
      removeListener(channel, listener) {
        emitter.removeListener(channel, listener);
        return ipcRenderer;
      },
      listenerCount: (channel) => emitter.listenerCount(channel),
      // Electron's invoke is an async function: a clone failure rejects rather than throws.
      async invoke(channel, ...args) {
        const sent = cloneForIpc(args);
        const event: IpcMainInvokeEventLike = { sender: webContents, senderFrame: { url } };
        const reply = await new Promise<{ result: unknown } | { error: string }>((resolve) => {
          hop(() => {
            inFlight++; // the handler's own time counts as in flight too
            void answer(channel, event, sent).then((settled) => {
              inFlight--;
              // A page that is gone never hears back.
              hop(() => {
                if (!destroyed) resolve(settled);
              });
            });
          });
        });
        if ('error' in reply) {
          throw new Error(`Error invoking remote method '${channel}': ${reply.error}`);
        }
        return reply.result;
      },
    };

    const mainWorld: Record<string, unknown> = {};
    const contextBridge: ContextBridgeLike = {
      exposeInMainWorld(apiKey, api) {
        if (apiKey in mainWorld) {
          throw new Error('Cannot bind an API on top of an existing property on the window object');
        }
        mainWorld[apiKey] = crossWorlds(api);
      },
    };

    live.add(webContents);
    return {
      webContents,
      ipcRenderer,
      contextBridge,
      mainWorld,
      destroy() {
        destroyed = true;
        live.delete(webContents);
        emitter.removeAllListeners();
      },
    };
  };

  return {
    ipcMain,
    createWindow,
    getAllWebContents: () => [...live],
    inFlight: () => inFlight,
    handlerErrors,
    async settle(until = () => true, maxHops = 1000) {
      for (let hops = 0; hops < maxHops; hops++) {
        await new Promise((resolve) => setImmediate(resolve));
        if (inFlight === 0 && until()) return;
      }
      throw new Error(`stand-in did not settle in ${maxHops} hops (${inFlight} in flight)`);
    },
    dispose() {
      pipe.port1.close();
      pipe.port2.close();
    },
  };
}

/**
 * A value as the other world of a context bridge receives it. `top` is true for a value that is
 * itself an argument or return value; only those may be promises.
 */
export function crossWorlds(
  value: unknown,
  top = true,
  copies = new Map<object, unknown>(),
): unknown {
  if (typeof value === 'symbol') return undefined;
  if (typeof value === 'function') {
    const original = value as (...args: unknown[]) => unknown;
    // A new function on every crossing: identity does not survive the bridge.
    return (...args: unknown[]) => {
      let result: unknown;
      try {
        result = original(...args.map((arg) => crossWorlds(arg)));
      } catch (error) {
        throw copyError(error);
      }
      return crossWorlds(result);
    };
  }
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Promise) {
    if (!top) return undefined;
    return value.then(
      (resolved) => crossWorlds(resolved),
      (error) => {
        throw copyError(error);
      },
    );
  }
  if (value instanceof Error) return copyError(value);
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value)
  ) {
    return structuredClone(value);
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const item of value) copy.push(crossWorlds(item, false, copies));
    return copy;
  }
  // Plain copy: the prototype (and with it any class) is dropped.
  const copy: Record<string, unknown> = {};
  copies.set(value, copy);
  for (const key of Object.keys(value)) {
    copy[key] = crossWorlds((value as Record<string, unknown>)[key], false, copies);
  }
  return copy;
}

function copyError(error: unknown): Error {
  return new Error(error instanceof Error ? error.message : String(error));
}
