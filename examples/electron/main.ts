// The main process: the one place that owns the settings. Every change reaches every window as
// an invalidation; windows pull the snapshot and ask for changes over WRITE_CHANNEL.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConsoleLogger } from '@statesync/core';
import { createElectronAuthority, type IpcMainInvokeEventLike } from '@statesync/electron';
import { app, BrowserWindow, ipcMain } from 'electron';
import {
  DEFAULT_SETTINGS,
  OPEN_WINDOW_CHANNEL,
  type Settings,
  TOPIC,
  validChanges,
  WRITE_CHANNEL,
} from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));
const PAGE = join(here, 'index.html');

/** Only this app's own page may pull or write, never a page a window navigated to. */
const isOwnPage = (event: IpcMainInvokeEventLike) =>
  event.senderFrame?.url === pathToFileURL(PAGE).href;

const settings = createElectronAuthority<Settings>({
  topic: TOPIC,
  data: { ...DEFAULT_SETTINGS }, // e.g. read from a file in app.getPath('userData')
  ipcMain,
  // Asked on every change, so windows opened later are reached too.
  getWebContents: () => BrowserWindow.getAllWindows().map((window) => window.webContents),
  allowSender: isOwnPage,
  logger: createConsoleLogger({ prefix: '[main]' }),
});

ipcMain.handle(WRITE_CHANNEL, (event, changes, sourceId) => {
  if (!isOwnPage(event)) throw new Error('not this app’s page');
  const valid = validChanges(changes);
  if (Object.keys(valid).length === 0) throw new Error('nothing valid to change');
  // The window's id comes back in the event: that window skips the pull for its own write.
  settings.update(
    (current) => ({ ...current, ...valid }),
    typeof sourceId === 'string' ? { sourceId } : {},
  );
  return settings.getSnapshot();
});

ipcMain.handle(OPEN_WINDOW_CHANNEL, (event) => {
  if (!isOwnPage(event)) throw new Error('not this app’s page');
  openWindow();
});

function openWindow(): void {
  const window = new BrowserWindow({
    width: 460,
    height: 420,
    webPreferences: {
      preload: join(here, 'preload.cjs'), // preload.ts, bundled as CommonJS
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });
  void window.loadFile(PAGE);
}

void app.whenReady().then(() => {
  openWindow();
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
