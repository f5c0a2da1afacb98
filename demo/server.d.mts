export interface DemoServerOptions {
  /** Port to listen on. @default 0 (an ephemeral port) */
  port?: number;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /** The built demo to serve. @default demo/dist */
  root?: string;
}

export interface DemoServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  host: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/** Where `vite build` puts the demo: demo/dist. */
export declare const DIST: string;

/**
 * Serves the built demo (index.html, panel.html, the worker and assets) with the right content
 * types. Rejects when the demo is not built, and with the listen error (`EADDRINUSE`...) when
 * the port cannot be used.
 */
export declare function startDemoServer(options?: DemoServerOptions): Promise<DemoServer>;
