import { defaultTimers, StateSyncError, type Timers } from '@statesync/core';
import { decodeRecord, type EncodedRecord, encodeRecord } from './record.js';
import { storageError } from './storage-error.js';
import type { PersistedRecord, StorageBackend } from './types.js';

export type MemoryOperation = 'load' | 'save' | 'clear';

/** Failures to inject into a memory backend, to test what your app does when storage fails. */
export interface MemoryFaults {
  /** `load` rejects: `true` as unavailable storage, `'corrupt'` as unreadable data. */
  failLoad?: boolean | 'corrupt';
  /** `save` rejects and keeps the old record: `true` as a failure, `'quota'` as full storage. */
  failSave?: boolean | 'quota';
  /** Every operation takes this long; a function can vary it per call to reorder completions. */
  latencyMs?: number | ((operation: MemoryOperation) => number);
  /** Saves whose JSON is longer than this many characters fail with a quota error. */
  maxBytes?: number;
  /** These operations never settle, as a hung storage would not. */
  hang?: readonly MemoryOperation[];
}

export interface MemoryBackendOptions<T> {
  /** A record stored before the backend is first used. */
  initial?: PersistedRecord<T>;
  faults?: MemoryFaults;
  /** Clock for `latencyMs`. @default the platform's timers */
  timers?: Timers;
}

export interface MemoryBackend<T> extends StorageBackend<T> {
  /** Replaces the injected faults; `{}` heals. */
  setFaults(faults: MemoryFaults): void;
  /** The stored record, without any fault or latency; `undefined` when empty. */
  peek(): PersistedRecord<T> | undefined;
  /** Counts completed operations. */
  readonly counts: Readonly<Record<MemoryOperation, number>>;
}

/**
 * A backend in memory, for tests and for pages that want cross-tab sync without persistence.
 * Records are structured-cloned on the way in and out, as IndexedDB does, so a value that
 * could not be stored there fails here too. Share one instance between two appliers to model
 * two tabs on one storage.
 */
export function createMemoryBackend<T>(options: MemoryBackendOptions<T> = {}): MemoryBackend<T> {
  const timers = options.timers ?? defaultTimers;
  let faults: MemoryFaults = options.faults ?? {};
  let stored: EncodedRecord | undefined =
    options.initial && structuredClone(encodeRecord(options.initial));
  const counts: Record<MemoryOperation, number> = { load: 0, save: 0, clear: 0 };

  const settle = <R>(operation: MemoryOperation, work: () => R): Promise<R> => {
    const { latencyMs = 0, hang } = faults;
    if (hang?.includes(operation)) return new Promise<R>(() => {});
    const delay = typeof latencyMs === 'function' ? latencyMs(operation) : latencyMs;
    const run = () => {
      const result = work();
      counts[operation]++;
      return result;
    };
    if (!(delay > 0)) return Promise.resolve().then(run);
    return new Promise<R>((resolve, reject) => {
      timers.setTimeout(() => {
        try {
          resolve(run());
        } catch (error) {
          reject(error);
        }
      }, delay);
    });
  };

  return {
    counts,
    setFaults(next) {
      faults = next;
    },
    peek: () => (stored ? decodeRecord<T>(structuredClone(stored), 'memory') : undefined),

    load() {
      const { failLoad } = faults;
      return settle('load', () => {
        if (failLoad === 'corrupt') throw storageError('corrupt', 'memory: injected corrupt data');
        if (failLoad) throw storageError('unavailable', 'memory: injected load failure');
        return stored ? decodeRecord<T>(structuredClone(stored), 'memory') : undefined;
      });
    },

    save(record, guard) {
      const { failSave, maxBytes } = faults;
      let copy: EncodedRecord;
      try {
        copy = structuredClone(encodeRecord(record));
      } catch (error) {
        return Promise.reject(
          new StateSyncError('not_cloneable', 'memory: data cannot be structured-cloned', {
            cause: error,
          }),
        );
      }
      return settle('save', () => {
        if (failSave === 'quota') throw storageError('quota', 'memory: injected quota error');
        if (failSave) throw storageError('failed', 'memory: injected save failure');
        if (maxBytes !== undefined) {
          const size = JSON.stringify(copy).length;
          if (size > maxBytes) {
            throw storageError('quota', `memory: record of ${size} bytes exceeds ${maxBytes}`);
          }
        }
        // Checked when the write lands, so the check and the write are one step.
        if (guard && stored && !guard(stored.meta)) return false;
        stored = copy;
        return true;
      });
    },

    clear() {
      return settle('clear', () => {
        stored = undefined;
      });
    },
  };
}
