/** Names the SharedWorker and prefixes every topic of the demo. */
export const APP_NAME = 'statesync-demo';

/** The demo's to-do list when it runs on @statesync/server (`npm start` with Redis installed). */
export const SERVER_APP_NAME = 'statesync-demo-server';
