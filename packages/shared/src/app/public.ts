export {
  type BindStoreOptions,
  type BoundStore,
  bindStore,
  type ExternalStore,
} from './bind-store.js';
export { createSharedApp } from './shared-app.js';
