// A window's copy of the settings: the revision engine over the authority's BroadcastChannel,
// with every snapshot stored in IndexedDB and shared with the other tabs. A reloaded window
// shows its stored settings at once, before the authority answers.
import {
  compareRevisions,
  createBroadcastChannelTransport,
  createRevisionSync,
  createTransportProvider,
  createTransportSubscriber,
  type Logger,
  type RevisionSyncHandle,
  type SnapshotApplier,
  StateSyncError,
  type Subscribable,
  type SyncStatus,
  type Transport,
} from '@statesync/core';
import { createIndexedDBBackend, createPersistenceApplier } from '@statesync/persistence';
import type { SharedApp } from '@statesync/shared';
import { type Settings, type SettingsChange, toSettings } from '../model/settings.js';
import {
  CHANGE,
  CONNECT,
  SETTINGS_SCHEMA,
  SETTINGS_STORAGE,
  SETTINGS_TOPIC,
  type SettingsEndpoint,
  type SettingsStamp,
} from './settings-endpoint.js';
import { createValue } from './value.js';

export interface SettingsSyncOptions {
  app: SharedApp;
  /** Writes the settings into the window's state: a Pinia store, the page's styles... */
  applier: SnapshotApplier<Settings>;
  logger: Logger;
  /** How long a change may take to show in this window. @default 5000 */
  timeoutMs?: number;
}

export interface SettingsSync {
  /** The engine's status: revision, epoch, synced or not. */
  readonly status: Subscribable<SyncStatus>;
  /** Resolves once stored settings are shown, or there were none. */
  readonly hydrated: Promise<void>;
  /** Asks the authority for a change; resolves once this window shows it. */
  change(change: SettingsChange): Promise<void>;
  /** Stops syncing and saves what is pending. */
  stop(): Promise<void>;
}

const IDLE: SyncStatus = {
  state: 'idle',
  localRevision: undefined,
  epoch: undefined,
  lastError: undefined,
  lastAppliedAt: undefined,
};

export function startSettingsSync(options: SettingsSyncOptions): SettingsSync {
  const { app, applier, logger, timeoutMs = 5_000 } = options;
  const status = createValue<SyncStatus>(IDLE);
  const persisted = createPersistenceApplier<Settings>({
    storage: createIndexedDBBackend(SETTINGS_STORAGE),
    // Stored data is read back through the same checks as everything else.
    applier: {
      apply: (snapshot) => applier.apply({ ...snapshot, data: toSettings(snapshot.data) }),
    },
    schemaVersion: SETTINGS_SCHEMA,
    crossTabSync: { channelName: `${SETTINGS_TOPIC}/tabs` },
    onPersistenceError: (error, context) =>
      logger.warn(`settings storage: ${context.operation} failed`, { error }),
  });
  const hydrated = persisted.hydrate().then(
    () => undefined,
    () => undefined,
  );

  let transport: Transport | undefined;
  let stopped = false;
  const started = (async (): Promise<RevisionSyncHandle> => {
    await app.ready;
    const endpoint = (await app.emit(CONNECT)) as SettingsEndpoint;
    if (stopped) throw new StateSyncError('stopped', 'settings sync was stopped');
    transport = createBroadcastChannelTransport(endpoint.channel, { logger });
    const engine = createRevisionSync<Settings>({
      topic: endpoint.topic,
      subscriber: createTransportSubscriber(transport),
      provider: createTransportProvider<Settings>(transport, endpoint.topic),
      applier: persisted,
      logger,
      timeoutMs,
    });
    status.set(engine.status.getState());
    engine.status.subscribe(status.set);
    await engine.start();
    return engine;
  })();
  started.catch((error: unknown) => {
    if (!stopped) logger.warn('settings sync did not start', { error });
  });

  return {
    status,
    hydrated,
    async change(change) {
      const engine = await started;
      const stamp = (await app.emit(CHANGE, change)) as SettingsStamp;
      await reached(engine.status, stamp, timeoutMs);
    },
    async stop() {
      stopped = true;
      const engine = await started.catch(() => undefined);
      await engine?.stop();
      transport?.close();
      await persisted.dispose();
    },
  };
}

/** Resolves once `status` holds `stamp` or something newer of its epoch. */
function reached(
  status: Subscribable<SyncStatus>,
  stamp: SettingsStamp,
  timeoutMs: number,
): Promise<void> {
  const holds = ({ epoch, localRevision }: SyncStatus) =>
    epoch === stamp.epoch &&
    localRevision !== undefined &&
    compareRevisions(localRevision, stamp.revision) >= 0;
  if (holds(status.getState())) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new StateSyncError('timeout', `settings revision ${stamp.revision} did not arrive`));
    }, timeoutMs);
    const off = status.subscribe((next) => {
      if (!holds(next)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
