export {
  createIndexedDBBackend,
  type IndexedDBBackendOptions,
} from './indexeddb-backend.js';
export {
  createMemoryBackend,
  type MemoryBackend,
  type MemoryBackendOptions,
  type MemoryFaults,
  type MemoryOperation,
} from './memory-backend.js';
export { createPersistenceApplier } from './persistence-applier.js';
export type { StorageFailure } from './storage-error.js';
export type {
  CrossTabSyncOptions,
  Migration,
  PersistedMeta,
  PersistedRecord,
  PersistenceApplier,
  PersistenceApplierOptions,
  PersistenceErrorContext,
  PersistenceEvent,
  PersistenceOperation,
  PersistenceStats,
  SaveGuard,
  SaveThrottlingOptions,
  StorageBackend,
} from './types.js';
export {
  createLocalStorageBackend,
  createSessionStorageBackend,
  type WebStorageBackendOptions,
} from './web-storage-backend.js';
