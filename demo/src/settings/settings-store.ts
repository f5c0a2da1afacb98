// The Pinia store the settings panel renders: a mirror of the settings authority, written only
// by the statesync applier. Changes go to the authority (`SettingsSync.change`).

import { defineStore } from 'pinia';
import type { InjectionKey } from 'vue';
import { DEFAULT_SETTINGS, type Settings } from '../model/settings.js';
import type { LatencyMeter } from '../sync/latency.js';
import type { SettingsSync } from '../sync/settings-sync.js';

export const useSettings = defineStore('settings', {
  state: (): Settings => ({ ...DEFAULT_SETTINGS }),
});

/** What the settings panel needs besides the store: the write path and the latency meter. */
export interface SettingsContext {
  sync: SettingsSync;
  meter: LatencyMeter;
}

export const settingsContext: InjectionKey<SettingsContext> = Symbol('settings');
