import { StateSyncError } from '@statesync/core';
import { decodeRecord, encodeRecord } from './record.js';
import { storageError, toStorageError } from './storage-error.js';
import type { PersistedRecord, StorageBackend } from './types.js';

export interface WebStorageBackendOptions {
  /** The key the record is stored under; one per topic. */
  key: string;
  /** The Storage to use instead of the platform's (tests, a storage shim). */
  storage?: Storage;
}

type Area = 'localStorage' | 'sessionStorage';

/**
 * A backend over `localStorage`: shared by every tab of the origin and kept across restarts.
 * Records are JSON, so `data` must be JSON-serialisable. Its `watch` uses the `storage` event,
 * which cross-tab sync falls back to when BroadcastChannel is missing.
 */
export function createLocalStorageBackend<T>(options: WebStorageBackendOptions): StorageBackend<T> {
  return createWebStorageBackend<T>('localStorage', options);
}

/** A backend over `sessionStorage`: one copy per tab, kept across reloads of that tab. */
export function createSessionStorageBackend<T>(
  options: WebStorageBackendOptions,
): StorageBackend<T> {
  return createWebStorageBackend<T>('sessionStorage', options);
}

function createWebStorageBackend<T>(
  area: Area,
  { key, storage }: WebStorageBackendOptions,
): StorageBackend<T> {
  if (typeof key !== 'string' || key === '') {
    throw new StateSyncError('invalid_option', `${area} backend: key must be a non-empty string`);
  }
  const where = `${area}["${key}"]`;
  // Resolved on use, not at creation: touching `localStorage` can throw (sandboxed frames), and
  // creating the backend in a server-side render must not.
  const target = (): Storage => {
    if (storage) return storage;
    let found: Storage | undefined;
    try {
      found = (globalThis as Record<Area, Storage | undefined>)[area];
    } catch (error) {
      throw toStorageError(error, `opening ${area}`);
    }
    if (!found) throw storageError('unavailable', `${area} is not available here`);
    return found;
  };
  // Saves check what is stored first; parsing the text this backend itself wrote is skipped.
  let lastText: string | undefined;
  let lastRecord: PersistedRecord<T> | undefined;

  const parse = (text: string): PersistedRecord<T> => {
    if (text === lastText && lastRecord) return lastRecord;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw storageError('corrupt', `${where} is not valid JSON`, error);
    }
    const record = decodeRecord<T>(raw, where);
    lastText = text;
    lastRecord = record;
    return record;
  };

  return {
    // localStorage is one record for the whole origin; sessionStorage one per tab.
    shared: area === 'localStorage',
    async load() {
      let text: string | null;
      try {
        text = target().getItem(key);
      } catch (error) {
        throw toStorageError(error, `reading ${where}`);
      }
      return text === null ? undefined : parse(text);
    },

    async save(record, guard) {
      if (guard) {
        let stored: PersistedRecord<T> | undefined;
        try {
          const current = target().getItem(key);
          stored = current === null ? undefined : parse(current);
        } catch {
          // Unreadable: nothing worth keeping, the save replaces it.
        }
        if (stored && !guard(stored.meta)) return false;
      }
      let text: string;
      try {
        text = JSON.stringify(encodeRecord(record));
      } catch (error) {
        throw new StateSyncError('not_cloneable', `${where}: data is not JSON-serialisable`, {
          cause: error,
        });
      }
      try {
        target().setItem(key, text);
      } catch (error) {
        throw toStorageError(error, `writing ${where}`);
      }
      lastText = text;
      lastRecord = record;
      return true;
    },

    async clear() {
      try {
        target().removeItem(key);
      } catch (error) {
        throw toStorageError(error, `removing ${where}`);
      }
    },

    watch(listener) {
      if (typeof addEventListener !== 'function') return () => {};
      const onStorage = (event: StorageEvent) => {
        if (event.key !== key || event.newValue === null) return;
        let area: Storage;
        try {
          area = target();
        } catch {
          return;
        }
        if (event.storageArea !== area) return;
        let record: PersistedRecord<T>;
        try {
          record = parse(event.newValue);
        } catch {
          // Someone else's write; the next load reports it where it matters.
          return;
        }
        listener(record);
      };
      addEventListener('storage', onStorage);
      return () => removeEventListener('storage', onStorage);
    },
  };
}
