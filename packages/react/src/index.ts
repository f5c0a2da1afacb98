export { type StoreWithActions, useSharedStore } from './use-shared-store.js';
export { type ReadableStore, useStore } from './use-store.js';
