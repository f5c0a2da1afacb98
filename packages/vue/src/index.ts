export { type StoreWithActions, useSharedStore } from './use-shared-store.js';
export { useStore } from './use-store.js';
export {
  createVueSnapshotApplier,
  type VueSnapshotApplierOptions,
  type VueState,
} from './vue-snapshot-applier.js';
