export { defineStore } from './define-store.js';
