// The authority of the settings topic. It runs wherever the shared app's authority runs (the
// SharedWorker, or a page that fell back to Local mode), starts from what the windows last
// stored, serves snapshots over a BroadcastChannel and takes changes through the app's
// direct channel.
import {
  type Authority,
  createAuthority,
  createBroadcastChannelTransport,
  type Logger,
  serveAuthority,
} from '@statesync/core';
import { createIndexedDBBackend } from '@statesync/persistence';
import type { SharedApp } from '@statesync/shared';
import {
  DEFAULT_SETTINGS,
  parseSettingsChange,
  type Settings,
  toSettings,
} from '../model/settings.js';
import {
  CHANGE,
  CONNECT,
  SETTINGS_SCHEMA,
  SETTINGS_STORAGE,
  SETTINGS_TOPIC,
  type SettingsEndpoint,
  type SettingsStamp,
} from './settings-endpoint.js';

/** Runs the settings authority while `app` is the authority; returns a function that stops it. */
export function serveSettings(app: SharedApp, logger: Logger): () => void {
  return app.onServer((channel) => {
    const { role, clientId } = app.status.getState();
    // A page in Local mode is alone: its authority stays off the channel other tabs share.
    const name = role === 'local' ? `${SETTINGS_TOPIC}/${clientId}` : SETTINGS_TOPIC;
    const endpoint: SettingsEndpoint = { channel: name, topic: SETTINGS_TOPIC };
    let stopped = false;
    let stop = () => {};

    // A new epoch on every start, with the stored data: windows that hold an older epoch pull
    // once and keep what they show, and none can mistake this life's revisions for another's.
    const loaded = loadStored(logger).then((data) => {
      const authority = createAuthority<Settings>({ topic: SETTINGS_TOPIC, data });
      if (!stopped) {
        const transport = createBroadcastChannelTransport(name, { logger });
        const stopServing = serveAuthority(authority, transport, { logger });
        stop = () => {
          stopServing();
          transport.close();
        };
      }
      return authority;
    });

    const stamp = (authority: Authority<Settings>): SettingsStamp => ({
      revision: authority.getRevision(),
      epoch: authority.getEpoch(),
    });
    // Windows ask where to sync only once the stored settings are loaded.
    const offConnect = channel.listen(CONNECT, () => loaded.then(() => endpoint));
    const offChange = channel.listen(CHANGE, async (payload, from) => {
      const change = parseSettingsChange(payload);
      const authority = await loaded;
      const current = authority.getData();
      const next = { ...current, ...change };
      if (Object.entries(next).every(([key, value]) => current[key as keyof Settings] === value)) {
        return stamp(authority); // nothing changes: no new revision
      }
      authority.set(next, { sourceId: from.clientId });
      return stamp(authority);
    });

    return () => {
      stopped = true;
      offConnect();
      offChange();
      stop();
    };
  });
}

async function loadStored(logger: Logger): Promise<Settings> {
  try {
    const record = await createIndexedDBBackend<unknown>(SETTINGS_STORAGE).load();
    if (record?.meta.schemaVersion === SETTINGS_SCHEMA) return toSettings(record.data);
  } catch (error) {
    logger.warn('stored settings could not be read; starting from the defaults', { error });
  }
  return { ...DEFAULT_SETTINGS };
}
