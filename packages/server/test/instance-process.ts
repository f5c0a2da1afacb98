import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const packages = resolve(here, '../..');

/** `@statesync/<name>` from its sources, as the unit suites see it; npm packages stay outside. */
const fromSources: Plugin = {
  name: 'statesync-sources',
  setup(plugin) {
    plugin.onResolve({ filter: /^@statesync\/[a-z-]+(\/server)?$/ }, ({ path }) => {
      const [, name, entry] = /^@statesync\/([a-z-]+)(?:\/(server))?$/.exec(path)!;
      return { path: join(packages, name!, 'src', `${entry ?? 'index'}.ts`) };
    });
  },
};

/**
 * Bundles `instance-main.ts` into a temporary directory under `node_modules/.cache`, where the
 * npm packages it imports resolve; `dispose` removes it.
 */
export async function bundleInstance() {
  const cache = resolve(packages, '../node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'statesync-instance-'));
  const outfile = join(dir, 'instance.mjs');
  await build({
    entryPoints: [join(here, 'instance-main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [fromSources],
    logLevel: 'error',
  });
  return { path: outfile, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface InstanceProcess {
  /** SIGKILL: no close, no goodbye to sockets or Redis. Resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts the bundled instance on `port`; resolves once it listens (within 20 s). */
export function startInstanceProcess(
  bundle: string,
  port: number,
  redisUrl: string,
): Promise<InstanceProcess> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = spawn(process.execPath, [bundle, String(port), redisUrl], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the instance on port ${port} did not start within 20 s:\n${output}`));
    }, 20_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the instance on port ${port} exited with ${code}:\n${output}`));
    };
    child.once('exit', onExit);
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (!output.includes(`listening ${port}`)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolvePromise({
        async kill() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}
