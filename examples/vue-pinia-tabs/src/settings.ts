// What the tabs share, and the one message a tab sends besides statesync's own: a request to
// change the settings, which only the leader acts on.
export interface Settings {
  theme: 'light' | 'dark';
  /** Pixels, 12 to 24. */
  fontSize: number;
  /** At most 40 characters. */
  displayName: string;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  theme: 'light',
  fontSize: 16,
  displayName: 'Guest',
};

export const TOPIC = 'settings';
/** statesync's channel: invalidations, pulls, snapshots, and the write requests below. */
export const CHANNEL = 'vue-pinia-tabs';
/** The persistence applier's channel: snapshots one tab applied, passed to the others. */
export const SNAPSHOT_CHANNEL = 'vue-pinia-tabs:snapshots';
/** The localStorage key of the stored snapshot. */
export const STORAGE_KEY = 'vue-pinia-tabs:settings';
/** The Web Lock held by the leader tab. */
export const LEADER_LOCK = 'vue-pinia-tabs:leader';

export interface WriteRequest {
  kind: 'vue-pinia-tabs/write';
  /** The tab asking; the leader passes it on as the event's `sourceId`. */
  from: string;
  changes: Partial<Settings>;
}

export function isWriteRequest(message: unknown): message is WriteRequest {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { kind?: unknown }).kind === 'vue-pinia-tabs/write'
  );
}

/** Keeps the known fields with sane values: a tab's request never corrupts what all tabs show. */
export function validChanges(changes: unknown): Partial<Settings> {
  const valid: Partial<Settings> = {};
  if (typeof changes !== 'object' || changes === null) return valid;
  const { theme, fontSize, displayName } = changes as Record<string, unknown>;
  if (theme === 'light' || theme === 'dark') valid.theme = theme;
  if (Number.isInteger(fontSize) && (fontSize as number) >= 12 && (fontSize as number) <= 24) {
    valid.fontSize = fontSize as number;
  }
  if (typeof displayName === 'string' && displayName.trim().length <= 40) {
    valid.displayName = displayName.trim();
  }
  return valid;
}
