import type { Authority } from '@statesync/core';

export interface Settings {
  theme: 'light' | 'dark';
  /** Pixels, 12 to 24. */
  fontSize: number;
  /** At most 40 characters. */
  displayName: string;
}

export interface DemoServerOptions {
  /** Port on 127.0.0.1. @default 0 (an ephemeral port) */
  port?: number;
  /** Told about every accepted write. @default a no-op */
  log?: (message: string, details?: Record<string, unknown>) => void;
}

export interface DemoServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  /** The authority of the `settings` topic, for tests that change or inspect it directly. */
  authority: Authority<Settings>;
  /** Ends every event stream and stops listening. Idempotent. */
  close(): Promise<void>;
}

export declare const DEFAULT_SETTINGS: Readonly<Settings>;

/** Bundles the page, then serves it and the settings API on 127.0.0.1. */
export declare function startDemoServer(options?: DemoServerOptions): Promise<DemoServer>;
