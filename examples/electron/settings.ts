// Shared by the three parts of the app: what the windows show, and the app's own IPC channels
// (statesync's two are the package's defaults).
export interface Settings {
  theme: 'light' | 'dark';
  /** Pixels, 12 to 24. */
  fontSize: number;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = { theme: 'light', fontSize: 16 };

export const TOPIC = 'settings';
/** window → main: `invoke(WRITE_CHANNEL, changes, windowId)`, answered with the new snapshot. */
export const WRITE_CHANNEL = 'settings:write';
/** window → main: opens one more window. */
export const OPEN_WINDOW_CHANNEL = 'window:open';

/** Keeps the known fields with sane values: a page's request never corrupts the settings. */
export function validChanges(changes: unknown): Partial<Settings> {
  const valid: Partial<Settings> = {};
  if (typeof changes !== 'object' || changes === null) return valid;
  const { theme, fontSize } = changes as Record<string, unknown>;
  if (theme === 'light' || theme === 'dark') valid.theme = theme;
  if (Number.isInteger(fontSize) && (fontSize as number) >= 12 && (fontSize as number) <= 24) {
    valid.fontSize = fontSize as number;
  }
  return valid;
}
