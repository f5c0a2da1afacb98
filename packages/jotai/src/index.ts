export {
  createJotaiSnapshotApplier,
  type JotaiSnapshotApplierOptions,
  type JotaiStore,
} from './jotai-snapshot-applier.js';
