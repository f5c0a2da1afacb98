/** The settings as the Rust backend serialises them (`#[serde(rename_all = "camelCase")]`). */
export interface Settings {
  theme: 'light' | 'dark';
  /** Pixels, 12 to 24. */
  fontSize: number;
}

/** What the backend emits to every window after a change. */
export const SETTINGS_EVENT = 'settings:invalidated';
/** The command answering `{ revision, epoch, data }`. */
export const GET_SETTINGS = 'get_settings';
/** The command a window changes the settings with: `{ patch, sourceId }`. */
export const UPDATE_SETTINGS = 'update_settings';
