import { StateSyncError } from '@statesync/core/base';
import type { SharedStorage } from '../types.js';
import { DEFAULT_DATABASE } from '../wire/names.js';

export interface IndexedDBStorageOptions {
  /** The database. @default 'statesync-shared' */
  database?: string;
  /** @default globalThis.indexedDB */
  indexedDB?: IDBFactory;
}

const STORE = 'stores';

/**
 * A {@link SharedStorage} in IndexedDB, which pages, workers, service workers and extension
 * backgrounds all have. Values are structured-cloned, so a store's `Map`s and `Date`s survive.
 */
export function createIndexedDBStorage(options: IndexedDBStorageOptions = {}): SharedStorage {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (!factory) throw new StateSyncError('invalid_option', 'IndexedDB is not available here');
  const name = options.database ?? DEFAULT_DATABASE;
  let opened: Promise<IDBDatabase> | undefined;

  const open = () => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error(`database "${name}" is blocked`));
    });
    // A failed open is tried again next time.
    opened.catch(() => {
      opened = undefined;
    });
    return opened;
  };

  const run = async <T>(
    mode: IDBTransactionMode,
    work: (store: IDBObjectStore) => IDBRequest<T>,
  ) => {
    const db = await open();
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? request.error);
      transaction.onabort = () => reject(transaction.error ?? new Error('transaction aborted'));
    });
  };

  return {
    get: (key) => run('readonly', (store) => store.get(key)),
    set: async (key, value) => {
      await run('readwrite', (store) => store.put(value, key));
    },
  };
}
