export {
  createZustandSnapshotApplier,
  type ZustandApplierOptions,
  type ZustandStoreLike,
} from './zustand-applier.js';
