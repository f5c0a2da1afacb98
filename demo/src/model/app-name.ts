/** Names the SharedWorker and prefixes every topic of the demo. */
export const APP_NAME = 'statesync-demo';
