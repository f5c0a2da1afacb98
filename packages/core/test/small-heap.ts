// Runs a snippet of code in a child Node process with a small heap, so a test can show that an
// input does not exhaust memory without risking the test process itself. The snippet is bundled
// with esbuild, `@statesync/<name>` resolved to the package sources, as vitest resolves them.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface SmallHeapRun {
  /** Exit code; `null` when killed by a signal (a fatal out-of-memory aborts). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Bundles `source` (an ES module) and runs it with `--max-old-space-size=<heapMb>`. `limitMs`
 * only bounds a hang; it is no timing assertion.
 */
export async function runInSmallHeap(
  source: string,
  { heapMb = 64, limitMs = 60_000 }: { heapMb?: number; limitMs?: number } = {},
): Promise<SmallHeapRun> {
  const dir = mkdtempSync(join(tmpdir(), 'statesync-heap-'));
  try {
    const bundle = await build({
      stdin: { contents: source, resolveDir: ROOT, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      plugins: [
        {
          name: 'statesync-sources',
          setup(plugin) {
            plugin.onResolve({ filter: /^@statesync\/[a-z-]+(\/testing)?$/ }, ({ path }) => {
              const [, name, testing] = /^@statesync\/([a-z-]+)(\/testing)?$/.exec(path)!;
              const file = testing ? 'testing.ts' : 'index.ts';
              return { path: join(ROOT, 'packages', name!, 'src', file) };
            });
          },
        },
      ],
    });
    const entry = join(dir, 'entry.mjs');
    writeFileSync(entry, bundle.outputFiles[0]!.text);
    return await new Promise<SmallHeapRun>((done) => {
      execFile(
        process.execPath,
        [`--max-old-space-size=${heapMb}`, entry],
        { timeout: limitMs, maxBuffer: 1024 * 1024 },
        (error, stdout, stderr) => {
          const failure = error as (Error & { code?: unknown; signal?: NodeJS.Signals }) | null;
          done({
            code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
            signal: failure?.signal ?? null,
            stdout,
            stderr,
          });
        },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last line the child printed, parsed as JSON. */
export function lastJsonLine(run: SmallHeapRun): unknown {
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null');
}
