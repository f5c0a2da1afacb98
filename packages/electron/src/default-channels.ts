/** The channel the main process sends invalidation events on (`webContents.send`). */
export const DEFAULT_INVALIDATE_CHANNEL = 'statesync:invalidate';

/** The channel windows pull snapshots on (`ipcRenderer.invoke(channel, topic)`). */
export const DEFAULT_SNAPSHOT_CHANNEL = 'statesync:snapshot';
