import { describe, expect, it, vi } from 'vitest';
import { isStateSyncError } from '../src/errors.js';
import { applyPatch } from '../src/patch.js';
import type { PatchOp } from '../src/types.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

/** Asserts that `fn` throws a `protocol` StateSyncError whose message matches `pattern`. */
function expectProtocolError(fn: () => unknown, pattern: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(isStateSyncError(thrown, 'protocol')).toBe(true);
  expect((thrown as Error).message).toMatch(pattern);
}

describe('applyPatch on objects', () => {
  it('adds, replaces and removes keys', () => {
    const data = deepFreeze({ a: 1, b: { c: 2, d: 3 } });
    const next = applyPatch(data, [
      { op: 'add', path: ['e'], value: 5 },
      { op: 'replace', path: ['b', 'c'], value: 20 },
      { op: 'remove', path: ['b', 'd'] },
      { op: 'add', path: ['a'], value: 10 },
    ]);
    expect(next).toEqual({ a: 10, b: { c: 20 }, e: 5 });
    expect(data).toEqual({ a: 1, b: { c: 2, d: 3 } });
  });

  it('keeps the identity of untouched siblings and copies only along the path', () => {
    const data = {
      left: { deep: { x: 1 } },
      right: { deep: { y: 2 } },
      list: [{ id: 1 }, { id: 2 }],
    };
    const next = applyPatch(data, [{ op: 'replace', path: ['right', 'deep', 'y'], value: 3 }]);
    expect(next).not.toBe(data);
    expect(next.right).not.toBe(data.right);
    expect(next.right.deep).not.toBe(data.right.deep);
    expect(next.left).toBe(data.left);
    expect(next.list).toBe(data.list);

    const next2 = applyPatch(data, [{ op: 'add', path: ['list', 1, 'name'], value: 'two' }]);
    expect(next2.list).not.toBe(data.list);
    expect(next2.list[0]).toBe(data.list[0]);
    expect(next2.list[1]).toEqual({ id: 2, name: 'two' });
    expect(next2.left).toBe(data.left);
  });

  it('returns the input itself for no ops', () => {
    const data = { a: 1 };
    expect(applyPatch(data, [])).toBe(data);
  });

  it('uses inserted values as given and never mutates them later', () => {
    const inserted = { n: 1 };
    const next = applyPatch({} as Record<string, { n: number }>, [
      { op: 'add', path: ['x'], value: inserted },
      { op: 'add', path: ['y'], value: inserted },
      { op: 'replace', path: ['x', 'n'], value: 2 },
    ]);
    expect(next.y).toBe(inserted);
    expect(inserted).toEqual({ n: 1 });
    expect(next.x).toEqual({ n: 2 });
  });

  it('replaces or adds the root with an empty path', () => {
    expect(applyPatch({ a: 1 }, [{ op: 'replace', path: [], value: [1, 2] }])).toEqual([1, 2]);
    expect(applyPatch(null, [{ op: 'add', path: [], value: { a: 1 } }])).toEqual({ a: 1 });
    const root = { fresh: true };
    expect(applyPatch({}, [{ op: 'add', path: [], value: root }])).toBe(root);
    // Later ops copy the new root rather than writing into the given value.
    const next = applyPatch({}, [
      { op: 'replace', path: [], value: root },
      { op: 'add', path: ['more'], value: 1 },
    ]);
    expect(next).toEqual({ fresh: true, more: 1 });
    expect(root).toEqual({ fresh: true });
  });

  it('treats number segments on objects as keys', () => {
    expect(
      applyPatch({ 1: 'a' } as Record<string, string>, [{ op: 'replace', path: [1], value: 'b' }]),
    ).toEqual({ 1: 'b' });
  });

  it('keeps the prototype of copied objects, including null prototypes', () => {
    const dict = Object.assign(Object.create(null) as Record<string, number>, { a: 1 });
    const next = applyPatch({ dict }, [{ op: 'add', path: ['dict', 'b'], value: 2 }]);
    expect(Object.getPrototypeOf(next.dict)).toBe(null);
    expect({ ...next.dict }).toEqual({ a: 1, b: 2 });
  });

  it('keeps an own "__proto__" data key as a plain key when copying', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const next = applyPatch(data, [{ op: 'replace', path: ['a'], value: 2 }]);
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect((next as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(next, '__proto__')).toBe(true);
  });
});

describe('applyPatch on arrays', () => {
  it('inserts, appends, replaces and removes by index', () => {
    const data = deepFreeze({ list: ['a', 'b', 'c'] });
    const next = applyPatch(data, [
      { op: 'add', path: ['list', 1], value: 'x' }, // a x b c
      { op: 'add', path: ['list', 4], value: 'end' }, // index === length appends
      { op: 'add', path: ['list', '-'], value: 'dash' },
      { op: 'replace', path: ['list', '0'], value: 'A' },
      { op: 'remove', path: ['list', 2] }, // drops b
    ]);
    expect(next.list).toEqual(['A', 'x', 'c', 'end', 'dash']);
    expect(data.list).toEqual(['a', 'b', 'c']);
  });

  it('truncates through "length", and refuses to extend or to leave holes', () => {
    const data = deepFreeze([1, 2, 3, 4]);
    expect(applyPatch(data, [{ op: 'replace', path: ['length'], value: 2 }])).toEqual([1, 2]);
    expect(applyPatch(data, [{ op: 'replace', path: ['length'], value: 4 }])).toEqual(data);
    // Lengths that would allocate are tested in a small-heap child (patch-heap.test.ts).
    for (const value of [5, 100, 2 ** 32, -1, 1.5, '2']) {
      expect(() => applyPatch(data, [{ op: 'replace', path: ['length'], value }])).toThrow(
        expect.objectContaining({ code: 'protocol' }),
      );
    }
    expect(() => applyPatch(data, [{ op: 'replace', path: ['length'], value: 6 }])).toThrow(
      /only truncation/,
    );
    // Sparse: an index past the end.
    for (const op of ['add', 'replace'] as const) {
      expect(() => applyPatch(data, [{ op, path: [6], value: 0 }])).toThrow(/out of range/);
    }
    expect(data).toEqual([1, 2, 3, 4]);
  });

  it('applies 1,000 ops to a 10,000-item array correctly', () => {
    const data = deepFreeze(Array.from({ length: 10_000 }, (_, i) => ({ id: i })));
    const expected: unknown[] = data.slice();
    const ops: PatchOp[] = [];
    for (let i = 0; i < 1000; i++) {
      const index = (i * 7919) % (expected.length - 1);
      if (i % 3 === 0) {
        ops.push({ op: 'replace', path: [index, 'id'], value: -i });
        expected[index] = { id: -i };
      } else if (i % 3 === 1) {
        ops.push({ op: 'add', path: [String(index)], value: { id: `new${i}` } });
        expected.splice(index, 0, { id: `new${i}` });
      } else {
        ops.push({ op: 'remove', path: [index] });
        expected.splice(index, 1);
      }
    }
    const next = applyPatch(data, ops);
    expect(next).toEqual(expected);
    expect(data.length).toBe(10_000);
    expect(data[5]).toEqual({ id: 5 });
    // Items no op touched are the very same objects.
    const untouched = next.find((item) => typeof item.id === 'number' && item.id > 0);
    expect(untouched).toBe(data[untouched!.id as number]);
  });

  it('copies a container once per call, however many ops touch it', () => {
    const data = { list: Array.from({ length: 100 }, (_, i) => i) };
    const ops: PatchOp[] = Array.from({ length: 50 }, (_, i) => ({
      op: 'replace',
      path: ['list', i],
      value: -i,
    }));
    const slice = vi.spyOn(Array.prototype, 'slice');
    try {
      applyPatch(data, ops);
      expect(slice).toHaveBeenCalledTimes(1);
    } finally {
      slice.mockRestore();
    }
  });
});

describe('applyPatch errors', () => {
  const data = deepFreeze({ a: { b: 1 }, list: [1, 2], n: 5, nil: null, date: new Date(0) });

  it.each<[string, PatchOp, RegExp]>([
    [
      'unknown op',
      { op: 'move', path: ['a'] } as unknown as PatchOp,
      /\("move" at \["a"\]\): unknown op/,
    ],
    ['missing parent', { op: 'add', path: ['x', 'y'], value: 1 }, /\["x"\] does not exist/],
    ['primitive parent', { op: 'add', path: ['n', 'y'], value: 1 }, /\["n"\] is a number/],
    ['null parent', { op: 'add', path: ['nil', 'y'], value: 1 }, /\["nil"\] is null/],
    [
      'Date parent',
      { op: 'add', path: ['date', 'y'], value: 1 },
      /\["date"\] is a Date, not a plain/,
    ],
    [
      'index past the end',
      { op: 'replace', path: ['list', 2], value: 1 },
      /\["list",2\]\): index 2 is out of range for an array of length 2/,
    ],
    ['insert past the end', { op: 'add', path: ['list', 3], value: 1 }, /out of range/],
    ['remove past the end', { op: 'remove', path: ['list', 5] }, /out of range/],
    [
      'index through missing item',
      { op: 'add', path: ['list', 7, 'x'], value: 1 },
      /\["list",7\] does not exist/,
    ],
    [
      'non-index on array',
      { op: 'replace', path: ['list', 'x'], value: 1 },
      /"x" is not an array index/,
    ],
    [
      'non-canonical index',
      { op: 'replace', path: ['list', '01'], value: 1 },
      /not an array index/,
    ],
    ['negative index', { op: 'replace', path: ['list', -1], value: 1 }, /non-negative integer/],
    ['dash on replace', { op: 'replace', path: ['list', '-'], value: 1 }, /not an array index/],
    [
      'replace missing key',
      { op: 'replace', path: ['a', 'z'], value: 1 },
      /key "z" does not exist/,
    ],
    ['remove missing key', { op: 'remove', path: ['a', 'z'] }, /key "z" does not exist/],
    ['inherited key', { op: 'remove', path: ['a', 'toString'] }, /does not exist/],
    ['remove root', { op: 'remove', path: [] }, /cannot remove the root/],
    ['bad length', { op: 'replace', path: ['list', 'length'], value: -1 }, /array length/],
    [
      '__proto__',
      { op: 'add', path: ['__proto__', 'polluted'], value: true },
      /"__proto__" is not allowed/,
    ],
    [
      'constructor',
      { op: 'add', path: ['a', 'constructor'], value: 1 },
      /"constructor" is not allowed/,
    ],
    ['prototype', { op: 'replace', path: ['prototype'], value: 1 }, /"prototype" is not allowed/],
    [
      'non-array path',
      { op: 'add', path: 'a' as unknown as string[], value: 1 },
      /path must be an array/,
    ],
  ])('rejects %s', (_name, op, pattern) => {
    expectProtocolError(() => applyPatch(data, [op]), pattern);
  });

  it('rejects a primitive root and malformed op lists', () => {
    expectProtocolError(
      () => applyPatch(3, [{ op: 'add', path: ['a'], value: 1 }]),
      /root is a number/,
    );
    expectProtocolError(
      () => applyPatch({}, [null as unknown as PatchOp]),
      /op #0 is not an object/,
    );
    expectProtocolError(() => applyPatch({}, {} as unknown as PatchOp[]), /must be an array/);
  });

  it('names the failing op by its position', () => {
    expectProtocolError(
      () =>
        applyPatch({ a: 1 }, [
          { op: 'add', path: ['b'], value: 1 },
          { op: 'remove', path: ['c'] },
        ]),
      /^patch op #1 \("remove" at \["c"\]\)/,
    );
  });

  it('never pollutes Object.prototype', () => {
    expectProtocolError(
      () => applyPatch({}, [{ op: 'add', path: ['__proto__'], value: { polluted: true } }]),
      /not allowed/,
    );
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('leaves the input untouched when an op in the middle throws', () => {
    // Not frozen, so a stray write would go through silently instead of throwing.
    const input = { a: { b: [1, 2, 3] }, c: { d: 1 } };
    const before = structuredClone(input);
    const aRef = input.a;
    const listRef = input.a.b;
    expect(() =>
      applyPatch(input, [
        { op: 'replace', path: ['a', 'b', 0], value: 100 },
        { op: 'remove', path: ['a', 'b', 1] },
        { op: 'add', path: ['c', 'e'], value: 2 },
        { op: 'remove', path: ['c', 'missing'] },
        { op: 'add', path: ['z'], value: 3 },
      ]),
    ).toThrow(/missing/);
    expect(input).toEqual(before);
    expect(input.a).toBe(aRef);
    expect(input.a.b).toBe(listRef);
  });
});
