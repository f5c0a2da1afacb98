// Run one or more of these against the same Redis: `PORT=8081 node server.js`.
import { createStateSyncServer } from '@statesync/server';
import { todos } from './todos';

const server = createStateSyncServer({
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  app: { name: 'server-todos', version: '1', stores: [todos] },
  allowedOrigins: (process.env.ORIGINS ?? 'http://127.0.0.1:5173').split(','),
});
const port = await server.listen(Number(process.env.PORT ?? 8081));
console.log(`server-todos: ws://127.0.0.1:${port}`);
process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
