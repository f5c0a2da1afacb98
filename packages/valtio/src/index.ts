export {
  createValtioSnapshotApplier,
  type ValtioSnapshotApplierOptions,
} from './valtio-snapshot-applier.js';
