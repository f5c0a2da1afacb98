export { useStore } from './use-store.js';
export {
  createVueSnapshotApplier,
  type VueSnapshotApplierOptions,
  type VueState,
} from './vue-snapshot-applier.js';
