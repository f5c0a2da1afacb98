export {
  createPiniaSnapshotApplier,
  type PiniaSnapshotApplierOptions,
  type PiniaState,
} from './pinia-snapshot-applier.js';
