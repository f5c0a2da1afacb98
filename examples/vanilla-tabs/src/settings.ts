// What the tabs share, and the one message a tab sends besides statesync's own: a request to
// change the settings, which only the leader acts on.
export interface Settings {
  theme: 'light' | 'dark';
  /** Pixels, 12 to 24. */
  fontSize: number;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = { theme: 'light', fontSize: 16 };

/** The statesync topic. */
export const TOPIC = 'settings';
/** The BroadcastChannel every tab of the origin talks on. */
export const CHANNEL = 'vanilla-tabs';
/** The Web Lock held by the leader tab. */
export const LEADER_LOCK = 'vanilla-tabs:leader';

export interface WriteRequest {
  kind: 'vanilla-tabs/write';
  /** The tab asking; the leader passes it on as the event's `sourceId`. */
  from: string;
  changes: Partial<Settings>;
}

export function isWriteRequest(message: unknown): message is WriteRequest {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { kind?: unknown }).kind === 'vanilla-tabs/write'
  );
}

/** Keeps the known fields with sane values: a tab's request never corrupts what all tabs show. */
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
