// Redux DevTools' own remote server (`@redux-devtools/cli`, installed in e2e/devtools-server/ by
// `node scripts/ensure-deps.mjs --browser`), started on 127.0.0.1 on a free port, and a monitor
// that speaks to it through `socketcluster-client`, the socket library the Redux DevTools app uses.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

const dir = fileURLToPath(new URL('../devtools-server/', import.meta.url));
const bin = `${dir}node_modules/@redux-devtools/cli/bin/redux-devtools.js`;

export interface ReduxDevtoolsServer {
  port: number;
  /** What the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts `redux-devtools --hostname 127.0.0.1 --port <free>` and resolves once a monitor can log
 * in. Its report store (SQL through knex) gets no database: `no-reports.json` names the driver
 * without a connection, so none is loaded; live monitoring does not use it.
 */
export async function startReduxDevtoolsServer(port?: number): Promise<ReduxDevtoolsServer> {
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run \`node scripts/ensure-deps.mjs --browser\``);
  }
  const chosen = port ?? (await freePort());
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, '--hostname', '127.0.0.1', '--port', String(chosen), '--dbOptions', 'no-reports.json'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: ReduxDevtoolsServer = {
    port: chosen,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the server exited: ${output}`);
        const monitor = await openMonitor(chosen, { start: false });
        monitor.close();
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'the Redux DevTools server to serve' },
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** A message the server relays from an app to monitors (`log` channel). */
export interface RelayedMessage {
  type: string;
  id?: string;
  instanceId?: string;
  name?: string;
  payload?: string;
  action?: string;
  nextActionId?: number;
  libConfig?: { name?: string; features?: Record<string, unknown> };
}

interface ClusterClientSocket {
  id: string;
  invoke(event: string, data: unknown): Promise<unknown>;
  subscribe(channel: string): AsyncIterable<unknown> & {
    listener(event: string): { once(): Promise<unknown> };
  };
  transmit(event: string, data: unknown): Promise<void>;
  disconnect(): void;
}
interface ClusterClient {
  create(options: Record<string, unknown>): ClusterClientSocket;
}

export interface Monitor {
  /** Every message the server relayed to this monitor, oldest first. */
  heard: RelayedMessage[];
  /** Sends a command to one app socket and instance, as the monitor app does (`sc-<id>`). */
  send(to: RelayedMessage, message: Record<string, unknown>): void;
  close(): void;
}

/** Logs in as a monitor, listens to the apps and, like the app, asks every app to START. */
export async function openMonitor(port: number, { start = true } = {}): Promise<Monitor> {
  const require = createRequire(`${dir}package.json`);
  const client = require('socketcluster-client') as ClusterClient;
  const socket = client.create({ hostname: '127.0.0.1', port, autoReconnect: false });
  const heard: RelayedMessage[] = [];
  try {
    const channelName = String(await socket.invoke('login', {}));
    const channel = socket.subscribe(channelName);
    void (async () => {
      for await (const data of channel) heard.push(data as RelayedMessage);
    })();
    await channel.listener('subscribe').once();
  } catch (error) {
    socket.disconnect();
    throw error;
  }
  if (start) void socket.transmit('respond', { type: 'START' });
  return {
    heard,
    send(to, message) {
      void socket.transmit(`sc-${to.id}`, { ...message, instanceId: to.instanceId });
    },
    close: () => socket.disconnect(),
  };
}
