// Electron is not installed in this repository, so this declares the few parts of its API the
// example uses, just enough for the type-checker. In your app, `npm i electron` brings the real
// declarations: delete this file.
declare module 'electron' {
  import type {
    ContextBridgeLike,
    IpcMainLike,
    IpcRendererLike,
    WebContentsLike,
  } from '@statesync/electron';

  export const ipcMain: IpcMainLike;
  export const ipcRenderer: IpcRendererLike;
  export const contextBridge: ContextBridgeLike;

  export const app: {
    whenReady(): Promise<void>;
    on(event: 'activate' | 'window-all-closed', listener: () => void): void;
    quit(): void;
  };

  export interface BrowserWindowConstructorOptions {
    width?: number;
    height?: number;
    webPreferences?: {
      preload?: string;
      contextIsolation?: boolean;
      nodeIntegration?: boolean;
      sandbox?: boolean;
    };
  }

  export class BrowserWindow {
    constructor(options?: BrowserWindowConstructorOptions);
    static getAllWindows(): BrowserWindow[];
    readonly webContents: WebContentsLike;
    loadFile(path: string): Promise<void>;
  }
}
