// The background service worker: the authority. It runs every action for the popup and the
// options page, one at a time. The browser stops an idle background after about 30 seconds and a
// stopped worker forgets everything, so the stores are kept in IndexedDB: the next start (woken
// by a page connecting again) continues from them.
import { createIndexedDBStorage, createSharedApp } from '@statesync/shared';
import { APP_NAME, STARTED, stores } from './app.js';

const startedAt = new Date();

// At the top level, never after an await: the browser hands the port that wakes a stopped worker
// only to the onConnect listeners added while its script first ran.
const app = createSharedApp({
  stores,
  share: { name: APP_NAME, port: 'server', type: 'Extension', storage: createIndexedDBStorage() },
});

// The pages show when this worker started, so a restart is visible while the list stays.
app.onServer((channel) => channel.listen(STARTED, () => startedAt));
