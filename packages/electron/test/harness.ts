import type {
  Logger,
  RevisionSyncHandle,
  SnapshotEnvelope,
  SyncErrorContext,
} from '@statesync/core';
import {
  createElectronRevisionSync,
  type ElectronRevisionSyncOptions,
  exposeStateSyncBridge,
  type IpcMainLike,
  type StateSyncBridge,
} from '../src/index.js';
import type { ElectronStandIn, StandInWindow } from './electron-stand-in.js';

export interface PageOptions<T>
  extends Partial<Omit<ElectronRevisionSyncOptions<T>, 'topic' | 'bridge'>> {
  /** Channels the preload opens to the page. */
  channels?: readonly string[];
}

export interface Page<T> {
  window: StandInWindow;
  /** What the page's scripts see: the bridge as it came through contextBridge. */
  bridge: StateSyncBridge;
  sync: RevisionSyncHandle;
  /** The state this page renders. */
  view: { data?: T; applied: number };
  errors: SyncErrorContext[];
}

/**
 * A window as an app has it: the preload exposes the bridge through the stand-in's
 * contextBridge, and the page's own code (which sees only `window.statesync`) syncs `topic`.
 */
export function openPage<T>(
  standIn: ElectronStandIn,
  topic: string,
  options: PageOptions<T> = {},
): Page<T> {
  const { channels, ...syncOptions } = options;
  const window = standIn.createWindow();
  // Preload script.
  exposeStateSyncBridge({
    contextBridge: window.contextBridge,
    ipcRenderer: window.ipcRenderer,
    ...(channels === undefined ? {} : { channels }),
  });
  // Page script.
  const bridge = window.mainWorld.statesync as StateSyncBridge;
  const view: Page<T>['view'] = { applied: 0 };
  const errors: SyncErrorContext[] = [];
  const sync = createElectronRevisionSync<T>({
    topic,
    bridge,
    applier: {
      apply(snapshot: SnapshotEnvelope<T>) {
        view.data = snapshot.data;
        view.applied++;
      },
    },
    throttling: {}, // every event pulls at once: no timers in these tests
    onError: (context) => errors.push(context),
    ...syncOptions,
  });
  return { window, bridge, sync, view, errors };
}

/** Wraps ipcMain so that every handled call is counted, per channel and per sender. */
export function countCalls(ipcMain: IpcMainLike) {
  const calls: { channel: string; sender: number }[] = [];
  const counted: IpcMainLike = {
    handle(channel, listener) {
      ipcMain.handle(channel, (event, ...args) => {
        calls.push({ channel, sender: event.sender.id });
        return listener(event, ...args);
      });
    },
    removeHandler: (channel) => ipcMain.removeHandler(channel),
  };
  return {
    ipcMain: counted,
    /** Calls on `channel`, from `window` if given. */
    count(channel: string, window?: StandInWindow): number {
      return calls.filter(
        (call) =>
          call.channel === channel &&
          (window === undefined || call.sender === window.webContents.id),
      ).length;
    },
  };
}

/** A logger that keeps its lines. */
export function recordingLogger() {
  const lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, extra?: Record<string, unknown>): void => {
      lines.push(extra === undefined ? { level, message } : { level, message, extra });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, lines };
}
