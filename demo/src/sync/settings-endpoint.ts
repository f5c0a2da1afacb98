// What the settings authority and the windows agree on: where it serves, and how it is stored.
import type { Epoch, Revision } from '@statesync/core';
import type { IndexedDBBackendOptions } from '@statesync/persistence';
import { APP_NAME } from '../model/app-name.js';

export const SETTINGS_TOPIC = `${APP_NAME}/settings`;

/** The one record the authority starts from and every window saves to. */
export const SETTINGS_STORAGE: IndexedDBBackendOptions = {
  key: 'settings',
  databaseName: APP_NAME,
};

/** The shape of `Settings`; bump it (and add a migration) when the shape changes. */
export const SETTINGS_SCHEMA = 1;

/** Direct-channel requests a window sends to the authority of the app. */
export const CONNECT = 'settings/connect';
export const CHANGE = 'settings/change';

/** The answer to `settings/connect`: the BroadcastChannel the authority serves on. */
export interface SettingsEndpoint {
  channel: string;
  topic: string;
}

/** The answer to `settings/change`: the revision that holds the change. */
export interface SettingsStamp {
  revision: Revision;
  epoch: Epoch;
}
