#!/usr/bin/env node
// Runs every bench/*.bench.mjs, each in its own node process, prints one line per result and
// writes them all to bench/results/latest.json. Usage: node bench/run.mjs [name-filter...]
//
// A bench file exports `title` and `async run({ report })`; `report(result)` takes
// `{ name, value, unit?, p99?, baseline: { name, value, unit?, p99? }, goal?, extra? }`:
// `unit` is 'ns/op', 'µs' (a latency; `p99` in µs too) or absent for a plain count, the ratio
// printed is value / baseline.value (and p99 / baseline.p99 when both have a p99), and `goal`
// is `{ max, of: 'value' | 'ratio' }`. Goals are printed, never asserted: a missed goal does
// not fail the run, only a crashed or hung bench file does.
import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const resultsFile = join(benchDir, 'results', 'latest.json');
const FILE_TIMEOUT_MS = 120_000;

const childIndex = process.argv.indexOf('--child');
if (childIndex === -1) await runAll(process.argv.slice(2));
else await runChild(process.argv[childIndex + 1]);

async function runAll(filters) {
  const files = readdirSync(benchDir)
    .filter((name) => name.endsWith('.bench.mjs'))
    .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
    .sort();
  try {
    await import('@statesync/core');
  } catch (error) {
    console.error(`bench: cannot load the built @statesync/core (${error.message}).`);
    console.error('bench: build it first: npm run build -w @statesync/core');
    process.exit(1);
  }
  const cpu = cpus();
  const machine = `node ${process.version}, ${process.platform}/${process.arch}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown cpu'}`;
  console.log(`bench: ${files.length} files on ${machine}`);
  const started = Date.now();
  const results = [];
  const failures = [];
  for (const file of files) {
    const failure = await runFile(file, (result) => {
      const line = finish(result);
      results.push({ file, ...line.result });
      console.log(`  ${line.text}`);
    });
    if (failure) {
      failures.push({ file, error: failure });
      console.error(`  ${file} failed: ${failure}`);
    }
  }
  const withGoal = results.filter((result) => result.met !== undefined);
  const missed = withGoal.filter((result) => !result.met);
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `\ngoals: ${withGoal.length - missed.length} met, ${missed.length} missed` +
      (missed.length ? ` (${missed.map((result) => result.name).join('; ')})` : ''),
  );
  mkdirSync(dirname(resultsFile), { recursive: true });
  const report = {
    date: new Date(started).toISOString(),
    machine: { node: process.version, platform: process.platform, arch: process.arch },
    cpus: { count: cpu.length, model: cpu[0]?.model.trim() },
    seconds,
    results,
    failures,
  };
  writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `results: ${join('bench', 'results', basename(resultsFile))} (${seconds.toFixed(1)} s)`,
  );
  if (failures.length) {
    console.log(`bench: failed (${failures.map((failure) => failure.file).join(', ')})`);
    process.exitCode = 1;
  } else {
    console.log('bench: done');
  }
}

/** Runs one bench file in a child process; resolves with an error message, or undefined. */
function runFile(file, onResult) {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', join(benchDir, file)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let error;
    const timer = setTimeout(() => {
      error = `still running after ${FILE_TIMEOUT_MS / 1000} s, killed`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('message', (message) => {
      if (message.type === 'title') console.log(`\n${message.title}`);
      else if (message.type === 'result') onResult(message.result);
      else if (message.type === 'error') error = message.error;
    });
    child.on('error', (cause) => {
      error ??= cause.message;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) error ??= `exited with ${code ?? signal}`;
      resolve(error);
    });
  });
}

async function runChild(file) {
  const send = (message) =>
    new Promise((resolve, reject) =>
      process.send(message, (error) => (error ? reject(error) : resolve())),
    );
  try {
    const bench = await import(pathToFileURL(file).href);
    await send({ type: 'title', title: bench.title ?? basename(file) });
    const pending = [];
    await bench.run({ report: (result) => pending.push(send({ type: 'result', result })) });
    await Promise.all(pending);
  } catch (error) {
    await send({ type: 'error', error: error?.stack ?? String(error) });
    process.exitCode = 1;
  }
  process.disconnect();
}

/** Adds the ratio and the goal verdict to a reported result and formats its line. */
function finish(result) {
  const { name, value, p99, baseline, goal } = result;
  const ratio = value / baseline.value;
  const judged = goal?.of === 'ratio' ? ratio : value;
  const met = goal === undefined ? undefined : judged <= goal.max;
  const subject = formatMeasure(value, result.unit, p99);
  const reference = formatMeasure(baseline.value, baseline.unit, baseline.p99);
  const p99Ratio = p99 !== undefined && baseline.p99 !== undefined ? p99 / baseline.p99 : undefined;
  const ratios =
    `ratio ${formatRatio(ratio)}×` +
    (p99Ratio === undefined ? '' : `, p99 ${formatRatio(p99Ratio)}×`);
  let text = `${name}: ${subject} (${ratios} ${baseline.name}: ${reference})`;
  if (goal) {
    text += ` goal ≤ ${goal.max}${goal.of === 'ratio' ? '×' : ''} ${met ? 'met' : 'MISSED'}`;
  }
  return { text, result: { ...result, ratio, p99Ratio, met } };
}

/** `1.23 µs/op, p99 4.56 µs` for ns/op, `123 µs, p99 456 µs` for µs, `10,000` for counts. */
function formatMeasure(value, unit, p99) {
  if (unit === 'µs') {
    return `${formatNs(value * 1e3)}${p99 === undefined ? '' : `, p99 ${formatNs(p99 * 1e3)}`}`;
  }
  if (unit !== 'ns/op') return value.toLocaleString('en-US');
  return `${formatNs(value)}/op${p99 === undefined ? '' : `, p99 ${formatNs(p99)}`}`;
}

function formatNs(ns) {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(ns >= 100 ? 0 : 1)} ns`;
}

function formatRatio(ratio) {
  if (ratio >= 100) return ratio.toFixed(0);
  if (ratio >= 0.01) return ratio.toFixed(2);
  return ratio.toPrecision(2);
}
