import {
  defaultTimers,
  type Logger,
  noopLogger,
  type RevisionStamp,
  randomId,
  type SnapshotEnvelope,
  type StateSyncError,
  type Timers,
  withDeadline,
} from '@statesync/core';
import { stampOf } from './record.js';
import type {
  PersistenceApplierOptions,
  PersistenceErrorContext,
  PersistenceEvent,
  PersistenceStats,
  StorageBackend,
} from './types.js';

/**
 * What the parts of one persistence applier share: its settings, what this tab holds, and the
 * one queue and the one way to report. Declared once; the saver, the tab sync and hydration
 * each take it whole.
 */
export interface PersistenceContext<T> {
  readonly options: PersistenceApplierOptions<T>;
  readonly storage: StorageBackend<T>;
  readonly schemaVersion: number;
  readonly timers: Timers;
  readonly logger: Logger;
  /** This tab's id on the channel. */
  readonly self: string;
  readonly stats: PersistenceStats;
  /** What this tab holds, whoever brought it. */
  held: SnapshotEnvelope<T> | undefined;
  disposed: boolean;
  readonly listeners: Set<(event: PersistenceEvent) => void>;
  /** The engine's `watchRevision` listeners. */
  readonly watchers: Set<(stamp: RevisionStamp) => void>;
  emit(event: PersistenceEvent): void;
  /** Reports a failure to the logger, the listeners and `onPersistenceError`. */
  fail(error: StateSyncError, context: PersistenceErrorContext): void;
  /** Runs `task` after everything queued before it; a failure does not stop the queue. */
  serially<R>(task: () => Promise<R> | R): Promise<R>;
  /** Records that this tab now holds `snapshot`; `announce` tells the engine (it did not bring it). */
  hold(snapshot: SnapshotEnvelope<T>, announce?: boolean): void;
  /** Tells the engine of a stamp it did not bring. */
  announce(stamp: RevisionStamp): void;
  /** Waits for user code (storage, inner applier) at most `timeoutMs`, else rejects with `timeout`. */
  bounded<R>(work: R | PromiseLike<R>, what: string): Promise<R>;
}

export function createPersistenceContext<T>(
  options: PersistenceApplierOptions<T>,
): PersistenceContext<T> {
  const logger = options.logger ?? noopLogger;
  let queue: Promise<unknown> = Promise.resolve();
  const timers = options.timers ?? defaultTimers;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const context: PersistenceContext<T> = {
    options,
    // Stored data is this app's own earlier state; its type is the applier's.
    storage: options.storage as StorageBackend<T>,
    schemaVersion: options.schemaVersion ?? 1,
    timers,
    logger,
    self: randomId(),
    stats: {
      applies: 0,
      patches: 0,
      saves: 0,
      savesSkipped: 0,
      saveErrors: 0,
      broadcastsSent: 0,
      broadcastsReceived: 0,
      broadcastsApplied: 0,
      hydrated: false,
    },
    held: undefined,
    disposed: false,
    listeners: new Set(),
    watchers: new Set(),
    emit(event) {
      for (const listener of [...context.listeners]) {
        try {
          listener(event);
        } catch (error) {
          logger.error('persistence listener threw', { error });
        }
      }
    },
    fail(error, where) {
      logger.warn(`persistence ${where.operation} failed`, {
        code: error.code,
        reason: error.reason,
        message: error.message,
      });
      context.emit({ type: 'error', error, context: where });
      try {
        options.onPersistenceError?.(error, where);
      } catch (thrown) {
        logger.error('onPersistenceError threw', { error: thrown });
      }
    },
    serially(task) {
      const run = queue.then(task);
      queue = run.catch(() => {});
      return run;
    },
    hold(snapshot, announce = false) {
      context.held = snapshot;
      if (announce) context.announce(stampOf(snapshot));
    },
    announce(stamp) {
      for (const watcher of [...context.watchers]) watcher(stamp);
    },
    bounded: (work, what) => withDeadline(work, { timeoutMs, timers, what }),
  };
  return context;
}
