export { toReadable } from './readable-store.js';
export {
  createSvelteSnapshotApplier,
  type SvelteSnapshotApplierOptions,
} from './svelte-snapshot-applier.js';
