/**
 * The parts of Electron's API this package uses, as structural types. The package never
 * imports `electron` at runtime (nor its types): pass Electron's own objects, which fit these
 * shapes, or anything else that does, such as a test double.
 */

/** Electron's `WebContents` (a window's page), as far as the broadcaster needs it. */
export interface WebContentsLike {
  readonly id: number;
  isDestroyed(): boolean;
  /** Structured-clones `args` and posts them to the page; throws when they cannot be cloned. */
  send(channel: string, ...args: unknown[]): void;
}

/** Electron's `IpcMainInvokeEvent`: who is asking. */
export interface IpcMainInvokeEventLike {
  readonly sender: WebContentsLike;
  /** The frame that sent the request; `null` once it navigated away or was destroyed. */
  readonly senderFrame?: { readonly url: string } | null;
}

/** Electron's `ipcMain`: one `handle` listener per channel. */
export interface IpcMainLike {
  /** Throws if `channel` already has a handler. */
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown,
  ): void;
  removeHandler(channel: string): void;
}

/** Electron's `ipcRenderer`, in a preload script. */
export interface IpcRendererLike {
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  /** Resolves with what the main process's handler returned; rejects when it threw. */
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
}

/** Electron's `contextBridge`, in a preload script with context isolation on. */
export interface ContextBridgeLike {
  /** Copies `api` into the page's world as `window[apiKey]`; functions become proxies. */
  exposeInMainWorld(apiKey: string, api: unknown): void;
}
