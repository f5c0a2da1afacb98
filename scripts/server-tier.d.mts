import type { Plugin } from 'esbuild';

export interface ServerBundle {
  /** The bundled entry, an ES module for `node`. */
  path: string;
  /** Removes the bundle. */
  dispose(): void;
}

/** Bundles a server entry for Node (npm packages stay outside) under `node_modules/.cache`. */
export declare function bundleServerEntry(
  entry: string,
  options?: { plugins?: Plugin[] },
): Promise<ServerBundle>;

export interface ServerInstance {
  /** `ws://127.0.0.1:<port>` */
  url: string;
  /** SIGKILL: no close, no goodbye to sockets or Redis. Resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Runs a bundled entry with PORT, REDIS_URL and ORIGINS; resolves once it prints its URL. */
export declare function startInstance(
  bundle: string,
  options: { port: number; redisUrl: string; origins?: readonly string[] },
): Promise<ServerInstance>;

export interface ServerTier {
  redisUrl: string;
  /** One per instance, in order. */
  urls: string[];
  /** Stops the instances and Redis. */
  close(): Promise<void>;
}

/**
 * Starts a redis-server and `instances` processes of `entry` (relative to the repository)
 * against it, allowing browsers from `origins`. Rejects with `code: 'REDIS_MISSING'` when
 * redis-server is not installed.
 */
export declare function startServerTier(options: {
  entry: string;
  origins: readonly string[];
  instances?: number;
}): Promise<ServerTier>;
