import { StateSyncError } from './errors.js';
import type { Revision } from './types.js';

export const ZERO_REVISION: Revision = '0';
const MAX_U64 = '18446744073709551615';
const DIGITS = /^(0|[1-9][0-9]*)$/;

/** The last revision found canonical: an event's revision comes back in its snapshot. */
let lastCanonical = ZERO_REVISION;

/** True for `"0"`, `"17"`, ... up to 2^64-1; false for signs, leading zeros, numbers and the rest. */
export function isCanonicalRevision(value: unknown): value is Revision {
  if (value === lastCanonical) return true;
  if (typeof value !== 'string' || value.length > MAX_U64.length || !DIGITS.test(value)) {
    return false;
  }
  if (value.length === MAX_U64.length && value > MAX_U64) return false;
  lastCanonical = value;
  return true;
}

/** Throws a `protocol` error unless `value` is a canonical revision. */
export function assertRevision(value: unknown, what = 'revision'): Revision {
  if (!isCanonicalRevision(value)) {
    throw new StateSyncError(
      'protocol',
      `${what} must be a canonical u64 decimal string, got ${describe(value)}`,
    );
  }
  return value;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. Both must be canonical. */
export function compareRevisions(a: Revision, b: Revision): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The revision after `revision`. Throws past 2^64-1. */
export function nextRevision(revision: Revision): Revision {
  const digits = revision.split('');
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') {
    digits[i] = '0';
    i--;
  }
  if (i < 0) digits.unshift('1');
  else digits[i] = String(Number(digits[i]) + 1);
  const next = digits.join('');
  if (!isCanonicalRevision(next)) {
    throw new StateSyncError('protocol', `revision overflow after ${revision}`);
  }
  return next;
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  try {
    return `${String(value)} (${typeof value})`;
  } catch {
    // A null-prototype object or a throwing toString must not turn a protocol error into a TypeError.
    return `${Object.prototype.toString.call(value)} (${typeof value})`;
  }
}
