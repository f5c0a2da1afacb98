export { type ReadableStore, useStore } from './use-store.js';
