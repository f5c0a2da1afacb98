import { defineStore } from 'pinia';
import type { List } from './list.js';

/** This window's mirror of the backend's list. Only the sync writes to it. */
export const useListStore = defineStore('list', {
  state: (): List => ({ items: [] }),
});
