import { defineStore } from 'pinia';
import type { Settings } from './settings.js';

/** This window's mirror of the backend's settings. Only the sync writes to it. */
export const useSettingsStore = defineStore('settings', {
  state: (): Settings => ({ theme: 'light', fontSize: 14 }),
});
