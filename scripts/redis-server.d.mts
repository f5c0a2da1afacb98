/** Where `npm test` installs redis-server (the Debian package). */
export declare const REDIS_SERVER: '/usr/bin/redis-server';

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export declare function freePort(): Promise<number>;

export interface RedisProcess {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Kills the server with SIGKILL (no shutdown save) and waits until it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (with AOF, the data comes back). */
  start(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

/**
 * A real `redis-server` on 127.0.0.1 and a free port, in a temporary directory, no RDB saves;
 * with `durable`, an append-only file fsynced on every write, so a killed server loses nothing
 * it acknowledged. Rejects with `code: 'REDIS_MISSING'` when redis-server is not installed.
 */
export declare function startRedis(options?: { durable?: boolean }): Promise<RedisProcess>;
