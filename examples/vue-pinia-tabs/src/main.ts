// One tab. The Pinia store is a mirror: the leader tab's authority owns the settings, every tab
// follows it with the core engine, and the persistence applier between the engine and Pinia
// keeps the last snapshot in localStorage and hands it to the other tabs.
import {
  createBroadcastChannelTransport,
  createConsoleLogger,
  createRevisionSync,
  createTransportProvider,
  createTransportSubscriber,
  randomId,
  tagLogger,
} from '@statesync/core';
import { createLocalStorageBackend, createPersistenceApplier } from '@statesync/persistence';
import { createPiniaSnapshotApplier } from '@statesync/pinia';
import { createPinia } from 'pinia';
import { createApp, h, ref } from 'vue';
import { App } from './App.js';
import { lead } from './authority.js';
import { campaign } from './leader.js';
import {
  CHANNEL,
  DEFAULT_SETTINGS,
  LEADER_LOCK,
  type Settings,
  SNAPSHOT_CHANNEL,
  STORAGE_KEY,
  TOPIC,
  type WriteRequest,
} from './settings.js';
import { useSettings } from './store.js';

const tabId = randomId().slice(0, 6);
const logger = tagLogger(createConsoleLogger({ prefix: '[vue-pinia-tabs]' }), { tab: tabId });

const pinia = createPinia();
const settings = useSettings(pinia);

const applier = createPersistenceApplier({
  storage: createLocalStorageBackend({ key: STORAGE_KEY }),
  applier: createPiniaSnapshotApplier(settings, { mode: 'patch' }),
  // A snapshot one tab pulled reaches the others over this channel: they skip their own pull.
  crossTabSync: { channelName: SNAPSHOT_CHANNEL },
  onPersistenceError: (error, { operation }) => logger.warn(`${operation}: ${error.message}`),
  logger,
});

const transport = createBroadcastChannelTransport(CHANNEL, { logger });
const sync = createRevisionSync({
  topic: TOPIC,
  subscriber: createTransportSubscriber(transport),
  provider: createTransportProvider<Partial<Settings>>(transport, TOPIC),
  applier,
  // Tabs answer within milliseconds. A pull that went out while the leader was changing hands
  // has nobody to answer it: give up on it soon and ask again.
  timeoutMs: 1_000,
  logger,
  onError: ({ phase, error }) => logger.warn(`sync ${phase}: ${error.message}`),
});

function write(changes: Partial<Settings>): void {
  const request: WriteRequest = { kind: 'vue-pinia-tabs/write', from: tabId, changes };
  transport.send(request);
}

// What the last visit stored is in the store now: the first render shows it, not the defaults.
await applier.hydrate();

const leader = ref(false);
createApp({
  render: () => h(App, { tabId, leader: leader.value, status: sync.status, write }),
})
  .use(pinia)
  .mount('#app');
document.title = `vue-pinia-tabs · ${tabId}`;

// Elect first, then pull. A new leader starts from what this tab holds, stored or synced, so
// the settings outlive the tab that owned them, and closing every tab loses nothing.
await campaign(LEADER_LOCK, () => {
  lead({ ...DEFAULT_SETTINGS, ...applier.getSnapshot()?.data }, logger);
  leader.value = true;
});
await sync.start();
