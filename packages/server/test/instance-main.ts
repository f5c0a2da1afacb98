// One server instance in a process of its own, for tests that kill it with SIGKILL:
// `node <bundle> <port> <redisUrl>`. Prints `listening <port>` once it serves.
import { createStateSyncServer } from '../src/index.js';
import { tally } from './stores.js';

const [port, redisUrl] = process.argv.slice(2);
const server = createStateSyncServer({
  redisUrl: redisUrl!,
  topics: [tally],
  callDeadlineMs: 60_000,
});
await server.listen(Number(port));
process.stdout.write(`listening ${port}\n`);
