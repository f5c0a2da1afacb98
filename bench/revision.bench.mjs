// Revision strings on the hot path: every event and snapshot is validated and compared, and
// every authority change computes the next revision. Baseline: the same work through BigInt.
import { compareRevisions, isCanonicalRevision, nextRevision } from '@statesync/core';
import { compare, cpuTime } from './measure.mjs';

export const title = 'revision strings vs BigInt';

const ITERATIONS = 500_000;
const SAMPLES = 8;
const MAX_U64 = 18446744073709551615n;

/** A fixed, seeded mix of lengths from 1 to 20 digits, so every run sees the same strings. */
function makeRevisions(count) {
  let seed = 0x2f6b1d3;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const revisions = [];
  for (let i = 0; i < count; i++) {
    const digits = 1 + Math.floor(random() * 20);
    let value = BigInt(Math.floor(random() * 9) + 1);
    for (let d = 1; d < digits; d++) value = value * 10n + BigInt(Math.floor(random() * 10));
    revisions.push(String(value > MAX_U64 ? value % MAX_U64 : value));
  }
  return revisions;
}

const REVISIONS = makeRevisions(4096);
const MASK = REVISIONS.length - 1;
// One in eight rejected; none of them makes BigInt() throw, so the baseline pays no exceptions.
const CANDIDATES = REVISIONS.map((revision, i) => {
  if (i % 8 !== 7) return revision;
  return ['007', '-1', '18446744073709551616', ' 12', '+5', ''][(i >> 3) % 6];
});

// Read by nobody, but V8 cannot know that: the loops' results must be computed.
export let sink = 0;

/** CPU ms of `body(i)` for i = 0..iterations-1; keeps the results alive in `sink`. */
function timeLoop(iterations, body) {
  let acc = 0;
  const started = cpuTime();
  for (let i = 0; i < iterations; i++) acc += body(i);
  const ms = cpuTime() - started;
  sink += acc;
  return ms;
}

const bigCompare = (a, b) => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

const bigIsCanonical = (value) => {
  if (typeof value !== 'string' || value === '') return false;
  const parsed = BigInt(value);
  return parsed >= 0n && parsed <= MAX_U64 && String(parsed) === value;
};

const bigNext = (revision) => {
  const next = BigInt(revision) + 1n;
  if (next > MAX_U64) throw new RangeError('overflow');
  return String(next);
};

const CASES = [
  {
    name: 'compareRevisions',
    baseline: 'BigInt(a) vs BigInt(b)',
    subject: (i) => compareRevisions(REVISIONS[i & MASK], REVISIONS[(i * 7 + 1) & MASK]),
    reference: (i) => bigCompare(REVISIONS[i & MASK], REVISIONS[(i * 7 + 1) & MASK]),
    agrees: (i) =>
      Math.sign(compareRevisions(REVISIONS[i & MASK], REVISIONS[(i * 7 + 1) & MASK])) ===
      bigCompare(REVISIONS[i & MASK], REVISIONS[(i * 7 + 1) & MASK]),
  },
  {
    name: 'isCanonicalRevision',
    baseline: 'BigInt round trip',
    subject: (i) => (isCanonicalRevision(CANDIDATES[i & MASK]) ? 1 : 0),
    reference: (i) => (bigIsCanonical(CANDIDATES[i & MASK]) ? 1 : 0),
    agrees: (i) =>
      isCanonicalRevision(CANDIDATES[i & MASK]) === bigIsCanonical(CANDIDATES[i & MASK]),
  },
  {
    name: 'nextRevision',
    baseline: 'String(BigInt(r) + 1n)',
    subject: (i) => nextRevision(REVISIONS[i & MASK]).length,
    reference: (i) => bigNext(REVISIONS[i & MASK]).length,
    agrees: (i) => nextRevision(REVISIONS[i & MASK]) === bigNext(REVISIONS[i & MASK]),
  },
];

/** The two implementations must agree on every input before their speed means anything. */
function checkAgreement({ name, agrees }) {
  for (let i = 0; i <= MASK; i++) {
    if (!agrees(i)) throw new Error(`${name} disagrees with its BigInt baseline at input ${i}`);
  }
}

/** Run by measure.mjs, each in a process of its own: `<name>` and `<name>:bigint` per case. */
export const variants = Object.fromEntries(
  CASES.flatMap(({ name, subject, reference }) => [
    [name, async (n) => timeLoop(n, subject)],
    [`${name}:bigint`, async (n) => timeLoop(n, reference)],
  ]),
);

export async function run({ report }) {
  for (const testCase of CASES) {
    checkAgreement(testCase);
    const result = await compare({
      file: import.meta.url,
      variants: { subject: testCase.name, reference: `${testCase.name}:bigint` },
      iterations: ITERATIONS,
      samples: SAMPLES,
      warmup: 2,
    });
    report({
      name: `${testCase.name}()`,
      value: result.subject.nsPerOp,
      unit: 'ns/op',
      baseline: { name: testCase.baseline, value: result.reference.nsPerOp, unit: 'ns/op' },
      extra: { samples: result.subject.samples, baselineSamples: result.reference.samples },
    });
  }
}
