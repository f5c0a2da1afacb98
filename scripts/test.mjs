#!/usr/bin/env node
// `npm test`: type-check, lint, build, the docs site, bundle sizes, publint + attw, then every
// vitest suite (unit and real-browser).
// Check steps print their output only when they fail (the size step always prints its table). The very last line is always
// "N passed, N failed, N skipped" over all tests; a failed check step counts as one failure.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const reportFile = join(root, '.cache', 'vitest.json');
const STEP_TIMEOUT_MS = 10 * 60_000;
const VITEST_TIMEOUT_MS = 30 * 60_000;

/**
 * Runs a command from `cwd`. With `capture`, output is buffered (stdout and stderr interleaved)
 * and returned; otherwise it goes straight to the terminal. Never reads stdin.
 */
function run(command, args, { cwd = root, capture = true, timeoutMs = STEP_TIMEOUT_MS } = {}) {
  return new Promise((done) => {
    const env = { ...process.env };
    if (capture && process.stdout.isTTY && !env.NO_COLOR) env.FORCE_COLOR = '1';
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n[test] ${command} timed out after ${timeoutMs / 1000} s\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      output += `\n[test] could not run ${command}: ${error.message}\n`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ ok: code === 0, code: code ?? signal, output });
    });
  });
}

const failedSteps = [];

async function step(name, command, args, options) {
  const started = Date.now();
  const result = await run(command, args, options);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.ok) {
    console.log(`✓ ${name} (${seconds} s)`);
    if (options?.print) console.log(result.output.trimEnd().replace(/^/gm, '  '));
  } else {
    failedSteps.push(name);
    console.log(`✗ ${name} failed (exit ${result.code}, ${seconds} s):`);
    console.log(result.output.trimEnd());
  }
  return result.ok;
}

function packageDirs() {
  const packages = join(root, 'packages');
  if (!existsSync(packages)) return [];
  return readdirSync(packages, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(packages, entry.name, 'package.json')),
    )
    .map((entry) => join(packages, entry.name));
}

/** Sums the vitest JSON report. A file that failed to load (no test ran) counts as one failure. */
function readReport() {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const brokenFiles = (report.testResults ?? []).filter(
    (file) =>
      file.status === 'failed' &&
      !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
  ).length;
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + brokenFiles,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

async function main() {
  await step('type-check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  await step('lint', bin('biome'), ['check', '.']);
  const built = await step('build', npm, ['run', 'build']);
  // The documentation site builds offline and has no broken links (it reads sources, not dist/).
  await step('docs', npm, ['run', 'docs']);
  if (built) {
    // The demo imports the packages' built types, as an app would.
    await step('type-check demo', bin('tsc'), ['-p', 'demo/tsconfig.json', '--noEmit']);
    // What a page carries, bundled and gzipped as a user's bundler would; prints every entry.
    await step('size', process.execPath, ['scripts/size.mjs'], { print: true });
    for (const dir of packageDirs()) {
      await step(`publint ${relative(root, dir)}`, bin('publint'), [], { cwd: dir });
      // Types resolve for ESM and CJS consumers alike (node10 predates `exports`).
      await step(
        `attw ${relative(root, dir)}`,
        bin('attw'),
        ['--pack', '.', '--profile', 'node16'],
        {
          cwd: dir,
        },
      );
    }
  } else {
    console.log(
      '• package checks and the browser suites are skipped: they need a successful build',
    );
  }

  mkdirSync(dirname(reportFile), { recursive: true });
  rmSync(reportFile, { force: true });
  const vitestArgs = [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${relative(root, reportFile)}`,
    ...(built ? [] : ['--project', 'unit']),
  ];
  console.log(`\n$ vitest ${vitestArgs.join(' ')}`);
  const vitest = await run(bin('vitest'), vitestArgs, {
    capture: false,
    timeoutMs: VITEST_TIMEOUT_MS,
  });

  let totals = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(reportFile)) {
    try {
      totals = readReport();
    } catch (error) {
      console.log(`✗ could not read ${relative(root, reportFile)}: ${error.message}`);
      totals.failed += 1;
    }
  } else {
    console.log(`✗ vitest wrote no report (exit ${vitest.code})`);
    totals.failed += 1;
  }
  // Errors outside any test (e.g. unhandled rejections) fail the run without failing a test.
  if (!vitest.ok && totals.failed === 0) {
    console.log(`✗ vitest exited with ${vitest.code} although no test failed (see errors above)`);
    totals.failed += 1;
  }

  if (failedSteps.length > 0) console.log(`✗ failed steps: ${failedSteps.join(', ')}`);
  totals.failed += failedSteps.length;
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return totals.failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    console.log('0 passed, 1 failed, 0 skipped');
    process.exitCode = 1;
  },
);
