// The appearance settings every window shares: their shape, defaults and validation. The
// authority checks every change against these, so no window can store something unusable.
import { StateSyncError } from '@statesync/core';

export const THEMES = ['light', 'dark', 'system'] as const;
export const ACCENTS = ['indigo', 'teal', 'rose', 'amber', 'violet', 'green'] as const;
export const DENSITIES = ['compact', 'comfortable', 'spacious'] as const;
export const TEXT_SIZES = ['small', 'medium', 'large'] as const;
export const MAX_WORKSPACE_LENGTH = 40;

export interface Settings {
  theme: (typeof THEMES)[number];
  accent: (typeof ACCENTS)[number];
  density: (typeof DENSITIES)[number];
  textSize: (typeof TEXT_SIZES)[number];
  /** The name shown in every window's header. */
  workspace: string;
}

export type SettingsChange = Partial<Settings>;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  theme: 'system',
  accent: 'indigo',
  density: 'comfortable',
  textSize: 'medium',
  workspace: 'My workspace',
});

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    values.includes(value as T);

const checks: { [K in keyof Settings]: (value: unknown) => value is Settings[K] } = {
  theme: oneOf(THEMES),
  accent: oneOf(ACCENTS),
  density: oneOf(DENSITIES),
  textSize: oneOf(TEXT_SIZES),
  workspace: (value): value is string =>
    typeof value === 'string' && value.trim() !== '' && value.trim().length <= MAX_WORKSPACE_LENGTH,
};

const isKey = (key: string): key is keyof Settings => Object.hasOwn(checks, key);

/** Checks a change sent by a window; throws `invalid_option` naming the first bad field. */
export function parseSettingsChange(value: unknown): SettingsChange {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StateSyncError('invalid_option', 'a settings change is an object');
  }
  const change: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!isKey(key) || !checks[key](field)) {
      throw new StateSyncError(
        'invalid_option',
        `invalid setting ${key}: ${JSON.stringify(field)}`,
      );
    }
    change[key] = typeof field === 'string' && key === 'workspace' ? field.trim() : field;
  }
  return change as SettingsChange;
}

/** Settings read back from storage: every field that is unusable falls back to its default. */
export function toSettings(value: unknown): Settings {
  const source = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(checks)) {
    if (isKey(key) && checks[key](source[key])) settings[key] = source[key];
  }
  return settings as unknown as Settings;
}
