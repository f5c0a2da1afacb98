// The repository's one redis-server starter (scripts/), as the server tests import it.
export { freePort, type RedisProcess, startRedis } from '../../../scripts/redis-server.mjs';
