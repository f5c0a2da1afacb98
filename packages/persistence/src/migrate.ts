import { storageError } from './storage-error.js';
import type { Migration, PersistedRecord } from './types.js';

/**
 * Brings stored data up to `schemaVersion`, one version at a time: `migrations[n]` turns data of
 * version n-1 into version n. Data from a newer schema is `foreign`; a missing or throwing step
 * is a `migration` error. The stored record itself is never touched.
 */
export async function migrate(
  record: PersistedRecord<unknown>,
  schemaVersion: number,
  migrations: Readonly<Record<number, Migration>> = {},
): Promise<unknown> {
  const from = record.meta.schemaVersion;
  if (from > schemaVersion) {
    throw storageError(
      'foreign',
      `stored data has schema version ${from}, newer than this app's ${schemaVersion}`,
    );
  }
  let data = record.data;
  for (let version = from + 1; version <= schemaVersion; version++) {
    const step = migrations[version];
    if (typeof step !== 'function') {
      throw storageError('migration', `no migration to schema version ${version} (from ${from})`);
    }
    try {
      data = await step(data);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw storageError(
        'migration',
        `migration to schema version ${version} threw: ${detail}`,
        error,
      );
    }
  }
  return data;
}
