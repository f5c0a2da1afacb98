import { defineStore } from 'pinia';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';

/**
 * The settings as this tab shows them. Only the sync writes to it; components read it and ask
 * the leader for changes.
 */
export const useSettings = defineStore('settings', {
  state: (): Settings => ({ ...DEFAULT_SETTINGS }),
});
