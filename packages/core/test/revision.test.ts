import { describe, expect, it } from 'vitest';
import {
  assertRevision,
  compareRevisions,
  isCanonicalRevision,
  isStateSyncError,
  nextRevision,
  ZERO_REVISION,
} from '../src/index.js';

const MAX = '18446744073709551615'; // 2^64 - 1

describe('isCanonicalRevision', () => {
  it.each([
    '0',
    '1',
    '9',
    '10',
    '42',
    '1000000',
    MAX,
    '18446744073709551614',
    '9999999999999999999',
  ])('accepts %j', (value) => {
    expect(isCanonicalRevision(value)).toBe(true);
  });

  it.each([
    ['leading zero', '00'],
    ['leading zero', '01'],
    ['minus sign', '-1'],
    ['minus zero', '-0'],
    ['plus sign', '+1'],
    ['decimal point', '1.0'],
    ['exponent', '1e3'],
    ['hex', '0x1'],
    ['leading space', ' 1'],
    ['trailing space', '1 '],
    ['trailing newline', '1\n'],
    ['empty', ''],
    ['2^64', '18446744073709551616'],
    ['2^64 + 1 over max at the last digit', '18446744073709551620'],
    ['20 digits above the max', '99999999999999999999'],
    ['21 digits', '100000000000000000000'],
    ['full-width digit', '１'],
    ['arabic-indic digit', '١'],
  ])('rejects %s (%j)', (_label, value) => {
    expect(isCanonicalRevision(value)).toBe(false);
  });

  it.each([
    ['number', 1],
    ['zero', 0],
    ['bigint', 1n],
    ['NaN', Number.NaN],
    ['null', null],
    ['undefined', undefined],
    ['boolean', true],
    ['array', ['1']],
    ['String object', new String('1')],
    ['object with toString', { toString: () => '1' }],
    ['symbol', Symbol('1')],
  ])('rejects a %s', (_label, value) => {
    expect(isCanonicalRevision(value)).toBe(false);
  });

  it('has "0" as the zero revision', () => {
    expect(ZERO_REVISION).toBe('0');
  });
});

describe('compareRevisions', () => {
  it.each([
    ['9', '10', -1],
    ['10', '9', 1],
    ['99', '100', -1],
    ['123', '123', 0],
    ['0', '0', 0],
    ['0', '1', -1],
    ['200', '199', 1],
    [MAX, '18446744073709551614', 1],
    ['9999999999999999999', MAX, -1],
  ])('compares %s with %s by length first: %i', (a, b, sign) => {
    expect(Math.sign(compareRevisions(a, b))).toBe(sign);
    expect(Math.sign(compareRevisions(b, a))).toBe(-sign || 0);
  });
});

describe('nextRevision', () => {
  it.each([
    ['0', '1'],
    ['8', '9'],
    ['9', '10'],
    ['19', '20'],
    ['199', '200'],
    ['999', '1000'],
    ['1099', '1100'],
    ['18446744073709551614', MAX],
    ['9999999999999999999', '10000000000000000000'],
  ])('goes from %s to %s', (revision, next) => {
    expect(nextRevision(revision)).toBe(next);
  });

  it('throws a protocol error past 2^64 - 1', () => {
    let thrown: unknown;
    try {
      nextRevision(MAX);
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'protocol')).toBe(true);
    expect((thrown as Error).message).toContain(MAX);
  });
});

describe('assertRevision', () => {
  it('returns a canonical revision unchanged', () => {
    expect(assertRevision('17')).toBe('17');
  });

  it.each([
    ['a string', '007', 'revision must be a canonical u64 decimal string, got "007"'],
    ['a number', 7, 'revision must be a canonical u64 decimal string, got 7 (number)'],
    ['a bigint', 7n, 'revision must be a canonical u64 decimal string, got 7n (bigint)'],
    [
      'undefined',
      undefined,
      'revision must be a canonical u64 decimal string, got undefined (undefined)',
    ],
    ['null', null, 'revision must be a canonical u64 decimal string, got null (object)'],
  ])('names what it got for %s', (_label, value, message) => {
    expect(() => assertRevision(value)).toThrowError(message);
  });

  it('names the field and shortens a long value', () => {
    let thrown: unknown;
    try {
      assertRevision('1'.repeat(100), 'snapshot.revision');
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'protocol')).toBe(true);
    expect((thrown as Error).message).toBe(
      `snapshot.revision must be a canonical u64 decimal string, got "${'1'.repeat(40)}…"`,
    );
  });

  it('throws a protocol error, not a TypeError, for values that cannot be turned into text', () => {
    for (const value of [
      Object.create(null),
      Symbol('s'),
      {
        toString: () => {
          throw new Error('no');
        },
      },
    ]) {
      let thrown: unknown;
      try {
        assertRevision(value);
      } catch (error) {
        thrown = error;
      }
      expect(isStateSyncError(thrown, 'protocol')).toBe(true);
    }
  });
});
