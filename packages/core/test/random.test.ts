import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRandom, randomId } from '../src/random.js';

describe('createRandom', () => {
  it('is deterministic per seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const seqA = Array.from({ length: 50 }, a);
    expect(Array.from({ length: 50 }, b)).toEqual(seqA);
    expect(Array.from({ length: 50 }, createRandom(43))).not.toEqual(seqA);
  });

  it('returns floats in [0, 1) spread over the range', () => {
    const random = createRandom(7);
    const buckets = new Array<number>(10).fill(0);
    const values = Array.from({ length: 10_000 }, random);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    for (const value of values) buckets[Math.floor(value * 10)]!++;
    // A fixed seed, so this is a regression check, not a flaky statistical test.
    for (const count of buckets) expect(count).toBeGreaterThan(800);
  });

  it('gives different sequences for seeds 0 and 1', () => {
    expect(createRandom(0)()).not.toBe(createRandom(1)());
  });
});

describe('randomId', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('derives a deterministic 16-hex-character id from a given source', () => {
    const first = randomId(createRandom(1));
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(randomId(createRandom(1))).toBe(first);
    const random = createRandom(1);
    expect(randomId(random)).not.toBe(randomId(random));
  });

  it('keeps 16 characters even for edge values of the source', () => {
    expect(randomId(() => 0)).toBe('0000000000000000');
    expect(randomId(() => 0.999_999_999)).toBe('ffffffffffffffff');
    expect(randomId(() => 1)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('uses crypto.randomUUID without a source', () => {
    expect(randomId()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(randomId()).not.toBe(randomId());
  });

  it('falls back to a UUID-shaped id from Math.random without crypto', () => {
    vi.stubGlobal('crypto', undefined);
    const ids = new Set(Array.from({ length: 100 }, () => randomId()));
    expect(ids.size).toBe(100);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
