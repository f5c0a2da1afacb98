export {
  createMobxSnapshotApplier,
  type MobxSnapshotApplierOptions,
  type MobxStateData,
} from './mobx-snapshot-applier.js';
