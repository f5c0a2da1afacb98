export { toReadable } from './readable-store.js';
export { type SharedReadable, type StoreWithActions, toSharedStore } from './shared-store.js';
export {
  createSvelteSnapshotApplier,
  type SvelteSnapshotApplierOptions,
} from './svelte-snapshot-applier.js';
