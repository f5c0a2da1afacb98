import { isCanonicalRevision, isStateSyncError, StateSyncError } from '@statesync/core';
import type { PersistedMeta, PersistedRecord, StorageBackend } from '@statesync/persistence';
import { assertFunction, assertName, runCommand } from './command.js';
import type { TauriCommandArgs, TauriInvoke } from './types.js';

export interface TauriStorageBackendOptions {
  /** `invoke` from `@tauri-apps/api/core`. Passed in, so this package never loads Tauri itself. */
  invoke: TauriInvoke;
  /** The command that answers the stored record `{ meta, data }`, or `null` when there is none. */
  loadCommand: string;
  /**
   * The command that stores the record it receives as its `record` argument, replacing the old
   * one. It may answer `false` to refuse (for example because it holds a newer revision).
   */
  saveCommand: string;
  /**
   * The command that removes the stored record.
   * @default none: `clear()` rejects with a `storage` error (reason `unavailable`)
   */
  clearCommand?: string;
  /**
   * Arguments sent to every command, e.g. `{ key: 'settings' }`; the save command also gets
   * `record`.
   * @default none
   */
  args?: TauriCommandArgs;
  /**
   * Whether every window reads the same record, which is the case when the Rust side keeps one
   * per key. Snapshots another window passed along are then not saved again by this one.
   * @default true
   */
  shared?: boolean;
}

const FACTORY = 'createTauriStorageBackend';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A `StorageBackend` for `@statesync/persistence` that keeps the record on the Rust side, through
 * three commands. Failures reject with `StateSyncError` code `storage`: reason `corrupt` for a
 * reply that is not a record, `unavailable` for `clear()` without a command, and otherwise the
 * `reason` field of the error the command failed with, or `failed`.
 *
 * `save` with a guard reads the stored record first and asks the guard; saves and clears of one
 * backend run one at a time, so this window never writes between its own check and write. Across windows,
 * let the save command refuse an older revision itself (answer `false`).
 */
export function createTauriStorageBackend<T>(
  options: TauriStorageBackendOptions,
): StorageBackend<T> {
  const { invoke, args, shared = true } = options;
  assertFunction(invoke, 'invoke', FACTORY);
  const loadCommand = assertName(options.loadCommand, 'loadCommand', FACTORY);
  const saveCommand = assertName(options.saveCommand, 'saveCommand', FACTORY);
  const clearCommand =
    options.clearCommand === undefined
      ? undefined
      : assertName(options.clearCommand, 'clearCommand', FACTORY);
  if (args !== undefined && !isRecord(args)) {
    throw new StateSyncError('invalid_option', `${FACTORY}: args must be an object`);
  }

  const corrupt = (what: string) =>
    new StateSyncError('storage', `"${loadCommand}" answered ${what}`, { reason: 'corrupt' });

  const decode = (raw: unknown): PersistedRecord<T> => {
    if (!isRecord(raw)) throw corrupt('something that is not a record { meta, data }');
    const { meta } = raw;
    if (!isRecord(meta)) throw corrupt('a record without meta');
    if (!isCanonicalRevision(meta.revision)) throw corrupt('a record without a valid revision');
    if (meta.epoch !== undefined && (typeof meta.epoch !== 'string' || meta.epoch === '')) {
      throw corrupt('a record with an invalid epoch');
    }
    if (!Number.isInteger(meta.schemaVersion) || (meta.schemaVersion as number) < 0) {
      throw corrupt('a record without a valid schemaVersion');
    }
    if (typeof meta.savedAt !== 'number' || !Number.isFinite(meta.savedAt)) {
      throw corrupt('a record without a valid savedAt');
    }
    if (!('data' in raw)) throw corrupt('a record without data');
    return { meta: meta as unknown as PersistedMeta, data: raw.data as T };
  };

  const load = async (): Promise<PersistedRecord<T> | undefined> => {
    const raw = await runCommand(invoke, loadCommand, args, 'storage', 'failed');
    return raw === null || raw === undefined ? undefined : decode(raw);
  };

  let queue: Promise<unknown> = Promise.resolve();
  const serially = <R>(task: () => Promise<R>): Promise<R> => {
    const run = queue.then(task);
    queue = run.catch(() => {});
    return run;
  };

  return {
    shared,
    load,

    save(record, guard) {
      return serially(async () => {
        if (guard) {
          let stored: PersistedRecord<T> | undefined;
          try {
            stored = await load();
          } catch (error) {
            // Unreadable data is not worth keeping: the save replaces it. A failed command is not.
            if (!isStateSyncError(error, 'storage') || error.reason !== 'corrupt') throw error;
          }
          if (stored && !guard(stored.meta)) return false;
        }
        const answer = await runCommand(
          invoke,
          saveCommand,
          { ...args, record },
          'storage',
          'failed',
        );
        return answer !== false;
      });
    },

    clear() {
      if (clearCommand === undefined) {
        return Promise.reject(
          new StateSyncError('storage', `${FACTORY}: no clearCommand was given`, {
            reason: 'unavailable',
          }),
        );
      }
      // In line with saves, so a clear after a save is not overtaken by it.
      return serially(async () => {
        await runCommand(invoke, clearCommand, args, 'storage', 'failed');
      });
    },
  };
}
