import { type Logger, StateSyncError } from '@statesync/core';
import { recordProblem, type StoreRecord } from '../store/store-record.js';
import type { SharedStorage } from '../types.js';
import type { Report } from '../wire/report.js';
import type { ServerStore } from './server-store.js';

/** Keeps the authority's stores in `storage`: one write per store at a time, the newest wins. */
export interface StoreSaver {
  save(store: ServerStore): void;
  /** The stored copies of these topics, by store name; a corrupt record is reported and skipped. */
  load(stores: ReadonlyMap<string, string>): Promise<Record<string, StoreRecord>>;
}

export function createStoreSaver(
  storage: SharedStorage,
  logger: Logger,
  report: Report,
): StoreSaver {
  const writing = new Set<ServerStore>();
  const again = new Set<ServerStore>();

  const write = async (store: ServerStore) => {
    writing.add(store);
    try {
      const { revision, data } = store.authority.getSnapshot();
      const copy: StoreRecord = { revision, data, calls: store.ledger.entries() };
      await storage.set(store.topic, copy);
    } catch (thrown) {
      // The state lives on in the authority; the next change tries again.
      const error = new StateSyncError('storage', `could not save "${store.topic}"`, {
        cause: thrown,
        reason: 'save',
      });
      report({ phase: 'sync', error, store: store.definition.name });
    } finally {
      writing.delete(store);
    }
    if (again.delete(store)) void write(store);
  };

  const saver: StoreSaver = {
    save(store) {
      if (writing.has(store)) again.add(store);
      else void write(store);
    },
    async load(stores) {
      const copies: Record<string, StoreRecord> = {};
      for (const [name, topic] of stores) {
        let value: unknown;
        try {
          value = await storage.get(topic);
        } catch (thrown) {
          const error = new StateSyncError('storage', `could not read "${topic}"`, {
            cause: thrown,
            reason: 'load',
          });
          report({ phase: 'sync', error, store: name });
          continue;
        }
        if (value === undefined || value === null) continue;
        const problem = recordProblem(value);
        if (problem === undefined) {
          copies[name] = value as StoreRecord;
          continue;
        }
        const error = new StateSyncError(
          'storage',
          `the stored "${topic}" is not a store record: ${problem}`,
          { reason: 'corrupt' },
        );
        report({ phase: 'sync', error, store: name });
        logger.warn('skipping a corrupt stored copy', { topic });
      }
      return copies;
    },
  };
  return saver;
}
