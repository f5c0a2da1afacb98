export interface ExampleManifest {
  /** One line for `npm run example`. */
  summary: string;
  /** Served by its own server (examples/two-windows/server.mjs). */
  server?: boolean;
  /** Files bundled with esbuild, relative to the example; `src/main.ts` is served as `/main.js`. */
  entries?: string[];
  /**
   * A server entry of the example (reads PORT, REDIS_URL, ORIGINS): started twice against a
   * redis-server of its own, the instances' URLs written into the page's `data-servers`.
   */
  tier?: string;
  /** URL path → file of the example, served as is (or written there, for an `extension`). */
  files?: Record<string, string>;
  /**
   * A browser extension: built into a folder with `buildExample` and loaded by the browser as
   * an unpacked extension, not served.
   */
  extension?: boolean;
}

export interface ExampleSummary {
  name: string;
  summary: string;
  /** `false` for source-only examples (Electron) and folders without a manifest. */
  runnable: boolean;
}

export interface ExampleServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

export interface BuildExampleOptions {
  /** The folder to build into; it is emptied first. @default examples/<name>/dist */
  outdir?: string;
}

export interface BuiltExample {
  /** The absolute path of the unpacked extension's folder. */
  dir: string;
  /** The files written there, relative to `dir`, sorted. */
  files: string[];
}

export interface StartExampleOptions {
  /** Port on 127.0.0.1. @default 0 (an ephemeral port) */
  port?: number;
}

export declare const EXAMPLES: Readonly<Record<string, ExampleManifest>>;

/** Every folder of examples/ with a README, sorted by name. */
export declare function listExamples(): Promise<ExampleSummary[]>;

/**
 * Bundles example `name` against the built packages and serves it on 127.0.0.1. Rejects for an
 * example with nothing to serve. Does not build the packages: run `npm run build` first.
 */
export declare function startExample(
  name: string,
  options?: StartExampleOptions,
): Promise<ExampleServer>;

/**
 * Bundles the extension example `name` against the built packages and writes it, with its
 * manifest and pages, into a folder to load unpacked. Rejects for an example that is not an
 * extension. Does not build the packages: run `npm run build` first.
 */
export declare function buildExample(
  name: string,
  options?: BuildExampleOptions,
): Promise<BuiltExample>;
