// The demo's to-do list on @statesync/server: `npm start` runs this (scripts/server-tier.mjs,
// with a redis-server of its own) when Redis is installed, and prints the page's `?server=`
// address. Reads PORT, REDIS_URL and ORIGINS.
import { createStateSyncServer } from '@statesync/server';
import { SERVER_APP_NAME } from './src/model/app-name.js';
import { todos } from './src/model/todos.js';

const server = createStateSyncServer({
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  app: { name: SERVER_APP_NAME, stores: [todos] },
  allowedOrigins: (process.env.ORIGINS ?? '').split(',').filter(Boolean),
});
const port = await server.listen(Number(process.env.PORT ?? 0));
console.log(`statesync demo, to-do list server: ws://127.0.0.1:${port}`);
