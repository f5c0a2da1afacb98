import { StateSyncError } from './errors.js';
import { noopLogger } from './logger.js';
import { applyPatch } from './patch.js';
import { randomId } from './random.js';
import { assertRevision, nextRevision, ZERO_REVISION } from './revision.js';
import type {
  Epoch,
  InvalidationEvent,
  Logger,
  PatchOp,
  Revision,
  SnapshotEnvelope,
  SnapshotProvider,
  Topic,
  Unsubscribe,
} from './types.js';

export interface AuthorityOptions<T> {
  topic: Topic;
  /** The initial data. Treated as immutable: the authority never changes it in place. */
  data: T;
  /** @default "0" */
  revision?: Revision;
  /** @default a random id */
  epoch?: Epoch;
  /** Clock for `timestampMs`. @default Date.now */
  now?: () => number;
  /** Reports listeners that throw. @default noopLogger */
  logger?: Logger;
}

export interface ChangeOptions {
  /** Who made the change; copied to the event so windows can recognise their own writes. */
  sourceId?: string;
  /** The ops that turn the previous data into the new one; sent as the event's delta. */
  ops?: readonly PatchOp[];
}

/** The side that owns the truth of one topic: data, revision and epoch. */
export interface Authority<T> {
  readonly topic: Topic;
  getSnapshot(): SnapshotEnvelope<T>;
  getData(): T;
  getRevision(): Revision;
  getEpoch(): Epoch;
  /** Serves snapshots to `createRevisionSync` in the same process. */
  readonly provider: SnapshotProvider<T>;
  /** Delivers every invalidation this authority publishes; also an `InvalidationSubscriber`. */
  subscribe(handler: (event: InvalidationEvent) => void): Unsubscribe;
  /** Replaces the data, bumps the revision and publishes an invalidation. */
  set(data: T, options?: ChangeOptions): InvalidationEvent;
  /** `set(recipe(current))`. */
  update(recipe: (data: T) => T, options?: ChangeOptions): InvalidationEvent;
  /** Applies patch ops, bumps the revision and publishes them as the event's delta. */
  patch(ops: readonly PatchOp[], options?: Omit<ChangeOptions, 'ops'>): InvalidationEvent;
  /** Publishes the current revision again, e.g. so clients that missed events catch up. */
  publish(): InvalidationEvent;
  /** Starts a new life: new epoch, revision counter from `revision` (default "0"). Publishes. */
  restart(options?: { data?: T; revision?: Revision; epoch?: Epoch }): InvalidationEvent;
}

export function createAuthority<T>(options: AuthorityOptions<T>): Authority<T> {
  const { topic } = options;
  if (typeof topic !== 'string' || topic.trim() === '') {
    throw new StateSyncError('invalid_option', 'topic must be a non-empty string');
  }
  const now = options.now ?? Date.now;
  const logger = options.logger ?? noopLogger;
  let data = options.data;
  let revision = assertRevision(options.revision ?? ZERO_REVISION, 'revision');
  let epoch = options.epoch === undefined ? randomId() : checkEpoch(options.epoch);
  const listeners = new Set<(event: InvalidationEvent) => void>();

  const emit = (event: InvalidationEvent) => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        logger.error('invalidation listener threw', { topic, error });
      }
    }
    return event;
  };

  const announce = (extra: Partial<InvalidationEvent> = {}): InvalidationEvent =>
    emit({ topic, revision, epoch, timestampMs: now(), ...extra });

  const change = (next: T, changeOptions: ChangeOptions = {}) => {
    const base = revision;
    revision = nextRevision(revision);
    data = next;
    const extra: Partial<InvalidationEvent> = {};
    if (changeOptions.sourceId !== undefined) extra.sourceId = changeOptions.sourceId;
    if (changeOptions.ops !== undefined) extra.delta = { base, ops: changeOptions.ops };
    return announce(extra);
  };

  const getSnapshot = (): SnapshotEnvelope<T> => ({ revision, epoch, data });

  return {
    topic,
    getSnapshot,
    getData: () => data,
    getRevision: () => revision,
    getEpoch: () => epoch,
    provider: { getSnapshot: async () => getSnapshot() },
    subscribe(handler) {
      listeners.add(handler);
      return () => {
        listeners.delete(handler);
      };
    },
    set: change,
    update: (recipe, changeOptions) => change(recipe(data), changeOptions),
    patch(ops, changeOptions = {}) {
      return change(applyPatch(data, ops), { ...changeOptions, ops });
    },
    publish: () => announce(),
    restart(restartOptions = {}) {
      // Everything is checked before anything changes.
      const counter = assertRevision(restartOptions.revision ?? ZERO_REVISION, 'revision');
      let nextEpoch: Epoch;
      if (restartOptions.epoch === undefined) {
        do nextEpoch = randomId();
        while (nextEpoch === epoch);
      } else {
        nextEpoch = checkEpoch(restartOptions.epoch);
        if (nextEpoch === epoch) {
          // Clients would keep gating on the old counter and ignore the restarted one.
          throw new StateSyncError(
            'invalid_option',
            `restart needs a new epoch, got the current ${epoch}`,
          );
        }
      }
      if (restartOptions.data !== undefined) data = restartOptions.data;
      revision = counter;
      epoch = nextEpoch;
      return announce();
    },
  };
}

function checkEpoch(epoch: unknown): Epoch {
  // Clients reject events whose epoch is not a non-empty string as protocol errors.
  if (typeof epoch !== 'string' || epoch === '') {
    throw new StateSyncError('invalid_option', 'epoch must be a non-empty string');
  }
  return epoch;
}
