export {
  createIndexedDBStorage,
  type IndexedDBStorageOptions,
} from './indexeddb-storage.js';
