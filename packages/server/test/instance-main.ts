// One server instance in a process of its own, for tests that kill it with SIGKILL: reads PORT
// and REDIS_URL, prints its ws:// URL once it serves (see scripts/server-tier.mjs).
import { createStateSyncServer } from '../src/index.js';
import { tally } from './stores.js';

const server = createStateSyncServer({
  redisUrl: process.env.REDIS_URL!,
  topics: [tally],
  callDeadlineMs: 60_000,
});
const port = await server.listen(Number(process.env.PORT));
process.stdout.write(`ws://127.0.0.1:${port}\n`);
