// The preload script: hands the page a bridge limited to statesync's channels and the app's own,
// never `ipcRenderer` itself. The page finds it as `window.statesync`.
import {
  DEFAULT_INVALIDATE_CHANNEL,
  DEFAULT_SNAPSHOT_CHANNEL,
  exposeStateSyncBridge,
} from '@statesync/electron';
import { contextBridge, ipcRenderer } from 'electron';
import { OPEN_WINDOW_CHANNEL, WRITE_CHANNEL } from './settings.js';

exposeStateSyncBridge({
  contextBridge,
  ipcRenderer,
  channels: [
    DEFAULT_INVALIDATE_CHANNEL,
    DEFAULT_SNAPSHOT_CHANNEL,
    WRITE_CHANNEL,
    OPEN_WINDOW_CHANNEL,
  ],
});
