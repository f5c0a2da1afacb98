export {
  createSvelteSnapshotApplier,
  type SvelteSnapshotApplierOptions,
} from './svelte-snapshot-applier.js';
