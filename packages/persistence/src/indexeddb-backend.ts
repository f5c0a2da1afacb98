import { StateSyncError } from '@statesync/core';
import { decodeRecord, encodeRecord } from './record.js';
import { storageError, toStorageError } from './storage-error.js';
import type { PersistedRecord, StorageBackend } from './types.js';

export interface IndexedDBBackendOptions {
  /** The key of the record in the object store; one per topic. */
  key: string;
  /** @default 'statesync' */
  databaseName?: string;
  /** Created on first use if missing (which upgrades the database by one version). @default 'snapshots' */
  storeName?: string;
  /** The factory to use instead of the platform's `indexedDB`. */
  indexedDB?: IDBFactory;
}

/**
 * A backend over IndexedDB: shared by every tab of the origin, asynchronous, and not limited
 * to JSON (anything structured-cloneable is stored). The connection is opened on first use and
 * closed when another tab needs to upgrade the database, then reopened on the next operation.
 */
export function createIndexedDBBackend<T>(options: IndexedDBBackendOptions): StorageBackend<T> {
  const { key, databaseName = 'statesync', storeName = 'snapshots' } = options;
  for (const [name, value] of Object.entries({ key, databaseName, storeName })) {
    if (typeof value !== 'string' || value === '') {
      throw new StateSyncError(
        'invalid_option',
        `IndexedDB backend: ${name} must be a non-empty string`,
      );
    }
  }
  const where = `IndexedDB ${databaseName}/${storeName}["${key}"]`;
  /** The open (or opening) connection; dropped when it closes, so the next call reopens. */
  let connection: Promise<IDBDatabase> | undefined;

  const openRequest = (factory: IDBFactory, version?: number) =>
    new Promise<IDBDatabase>((resolve, reject) => {
      let failed = false;
      const fail = (error: StateSyncError) => {
        failed = true;
        reject(error);
      };
      let request: IDBOpenDBRequest;
      try {
        request =
          version === undefined ? factory.open(databaseName) : factory.open(databaseName, version);
      } catch (error) {
        fail(toStorageError(error, `opening ${databaseName}`));
        return;
      }
      request.onupgradeneeded = () => {
        try {
          if (!request.result.objectStoreNames.contains(storeName)) {
            request.result.createObjectStore(storeName);
          }
        } catch (error) {
          fail(storageError('upgrade', `upgrading ${databaseName}: ${String(error)}`, error));
        }
      };
      request.onblocked = () =>
        fail(
          storageError(
            'blocked',
            `opening ${databaseName} is blocked: another tab keeps an older version open`,
          ),
        );
      request.onsuccess = () => {
        // A late success after a blocked (or failed) open is not used: close it.
        if (failed) request.result.close();
        else resolve(request.result);
      };
      request.onerror = () => {
        const error = request.error;
        if (error?.name === 'VersionError' || error?.name === 'AbortError') {
          fail(storageError('upgrade', `cannot open ${databaseName}: ${error.message}`, error));
        } else {
          fail(toStorageError(error, `opening ${databaseName}`));
        }
      };
    });

  const connect = async (): Promise<IDBDatabase> => {
    let factory: IDBFactory | undefined;
    try {
      factory = options.indexedDB ?? globalThis.indexedDB;
    } catch (error) {
      throw toStorageError(error, 'opening IndexedDB');
    }
    if (!factory) throw storageError('unavailable', 'IndexedDB is not available here');
    let db = await openRequest(factory);
    if (!db.objectStoreNames.contains(storeName)) {
      // The database exists without our store: add it in a version upgrade.
      const next = db.version + 1;
      db.close();
      db = await openRequest(factory, next);
    }
    return db;
  };

  const open = () => {
    if (connection) return connection;
    const opening = connect();
    const forget = () => {
      if (connection === opening) connection = undefined;
    };
    connection = opening;
    opening.then((db) => {
      // Let another tab upgrade the database instead of blocking it; reopen on the next call.
      db.onversionchange = () => {
        db.close();
        forget();
      };
      db.onclose = forget;
    }, forget);
    return opening;
  };

  const run = async <R>(
    mode: IDBTransactionMode,
    what: string,
    operation: (store: IDBObjectStore) => IDBRequest<R>,
  ): Promise<R> => {
    const db = await open();
    return new Promise<R>((resolve, reject) => {
      let request: IDBRequest<R>;
      let transaction: IDBTransaction;
      try {
        transaction = db.transaction(storeName, mode);
        request = operation(transaction.objectStore(storeName));
      } catch (error) {
        if (error instanceof Error && error.name === 'InvalidStateError') connection = undefined;
        reject(toStorageError(error, `${what} ${where}`));
        return;
      }
      transaction.oncomplete = () => resolve(request.result);
      const failed = () =>
        reject(
          toStorageError(
            transaction.error ?? request.error ?? 'transaction aborted',
            `${what} ${where}`,
          ),
        );
      transaction.onabort = failed;
    });
  };

  return {
    shared: true,
    async load() {
      const raw = await run('readonly', 'reading', (store) => store.get(key));
      return raw === undefined ? undefined : decodeRecord<T>(raw, where);
    },
    async save(record, guard) {
      let written = true;
      await run('readwrite', 'writing', (store) => {
        if (!guard) return store.put(encodeRecord(record), key);
        // Read and write in one transaction: no other tab can write in between.
        const read = store.get(key);
        read.onsuccess = () => {
          let stored: PersistedRecord<T> | undefined;
          try {
            stored = read.result === undefined ? undefined : decodeRecord<T>(read.result, where);
          } catch {
            // Unreadable: nothing worth keeping, the save replaces it.
          }
          if (stored && !guard(stored.meta)) written = false;
          else store.put(encodeRecord(record), key);
        };
        return read;
      });
      return written;
    },
    async clear() {
      await run('readwrite', 'removing', (store) => store.delete(key));
    },
  };
}
