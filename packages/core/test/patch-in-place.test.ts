import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStateSyncError } from '../src/errors.js';
import { applyPatch, applyPatchInPlace } from '../src/patch.js';
import { mergeOps } from '../src/store-applier.js';
import type { PatchOp } from '../src/types.js';

// Fixed and printed, so any failure replays: STATESYNC_SEED=<seed> npx vitest run patch-in-place
const SEED = Number(process.env.STATESYNC_SEED ?? 20261121);
const RUNS = 400;

describe('applyPatchInPlace', () => {
  it('mutates the target along the paths only', () => {
    const items = Array.from({ length: 100 }, (_, id) => ({ id, done: false }));
    const state: Record<string, unknown> = { items, meta: { count: 100 }, local: { x: 1 } };
    const untouched = items[7];
    const local = state.local;
    applyPatchInPlace(state, [
      { op: 'replace', path: ['items', 3, 'done'], value: true },
      { op: 'add', path: ['meta', 'updated'], value: 'now' },
      { op: 'remove', path: ['items', 99] },
    ]);
    expect(state.items).toBe(items);
    expect(items[3]).toEqual({ id: 3, done: true });
    expect(items).toHaveLength(99);
    expect(items[7]).toBe(untouched);
    expect(state.local).toBe(local);
    expect(state.meta).toEqual({ count: 100, updated: 'now' });
  });

  it('undoes earlier ops when a later one fails, and rethrows the protocol error', () => {
    const state = { list: [1, 2, 3], obj: { a: 1, b: 2 }, n: 1 };
    const before = structuredClone(state);
    let thrown: unknown;
    try {
      applyPatchInPlace(state, [
        { op: 'add', path: ['list', 1], value: 9 },
        { op: 'replace', path: ['list', 'length'], value: 1 },
        { op: 'remove', path: ['obj', 'a'] },
        { op: 'add', path: ['obj', 'c'], value: 3 },
        { op: 'replace', path: ['n'], value: 2 },
        { op: 'add', path: ['list', '-'], value: 4 },
        { op: 'replace', path: ['missing', 'x'], value: 0 },
      ]);
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'protocol')).toBe(true);
    expect((thrown as Error).message).toMatch(/patch op #6 .*\["missing"\] does not exist/);
    expect(state).toEqual(before);
  });

  it('undoes earlier ops when the target refuses a write, and rethrows its error', () => {
    const target = {
      a: 1,
      items: [1],
      get fixed() {
        return 0;
      },
    };
    const ops: PatchOp[] = [
      { op: 'replace', path: ['a'], value: 2 },
      { op: 'add', path: ['items', '-'], value: 2 },
      { op: 'add', path: ['b'], value: 1 },
      { op: 'replace', path: ['fixed'], value: 5 },
    ];
    expect(() => applyPatchInPlace(target, ops)).toThrow(TypeError);
    expect(target).toStrictEqual({ a: 1, items: [1], fixed: 0 });
  });

  it('merges top-level keys all or nothing through mergeOps', () => {
    const target: Record<string, unknown> = { a: 1, gone: true };
    Object.defineProperty(target, 'fixed', { get: () => 0, enumerable: true });
    expect(mergeOps({ a: 2, b: 3 }, ['gone'])).toStrictEqual([
      { op: 'add', path: ['a'], value: 2 },
      { op: 'add', path: ['b'], value: 3 },
      { op: 'remove', path: ['gone'] },
    ]);
    expect(() => applyPatchInPlace(target, mergeOps({ a: 2, fixed: 1 }, ['gone']))).toThrow();
    expect(target).toStrictEqual({ a: 1, gone: true, fixed: 0 });
    applyPatchInPlace(target, mergeOps({ a: 2, b: 3 }, ['gone']));
    expect(target).toStrictEqual({ a: 2, fixed: 0, b: 3 });
  });

  it('refuses a length that would extend, undoing the ops before it', () => {
    // Lengths that would allocate are tested in a small-heap child (patch-heap.test.ts).
    for (const value of [4, 100]) {
      const state = { list: [1, 2, 3] };
      expect(() =>
        applyPatchInPlace(state, [
          { op: 'replace', path: ['list', 0], value: 9 },
          { op: 'replace', path: ['list', 'length'], value },
        ]),
      ).toThrow(expect.objectContaining({ code: 'protocol' }));
      expect(state).toEqual({ list: [1, 2, 3] });
    }
  });

  it('refuses to replace the root in place', () => {
    const state = { a: 1 };
    expect(() => applyPatchInPlace(state, [{ op: 'replace', path: [], value: {} }])).toThrow(
      /cannot replace the root in place/,
    );
    expect(state).toEqual({ a: 1 });
  });

  it('works through proxies that forward to the target', () => {
    const writes: string[] = [];
    const wrap = <T extends object>(target: T): T =>
      new Proxy(target, {
        get: (t, key, receiver) => {
          const value = Reflect.get(t, key, receiver) as unknown;
          return typeof value === 'object' && value !== null ? wrap(value) : value;
        },
        set: (t, key, value, receiver) => {
          writes.push(String(key));
          return Reflect.set(t, key, value, receiver);
        },
      });
    const raw = { a: { b: [1, 2] }, c: 1 };
    applyPatchInPlace(wrap(raw), [{ op: 'replace', path: ['a', 'b', 0], value: 5 }]);
    expect(raw).toEqual({ a: { b: [5, 2] }, c: 1 });
    // Only the leaf is written: the containers along the path are not reassigned.
    expect(writes).toEqual(['0']);
  });

  it(`matches applyPatch on random op lists, and undoes failed ones (seed ${SEED}, ${RUNS} runs)`, () => {
    console.log(`patch-in-place seed: ${SEED}; replay with STATESYNC_SEED=${SEED}`);
    const key = fc.constantFrom('a', 'b', 'c', 'list');
    const segment = fc.oneof(key, fc.nat({ max: 4 }), fc.constant('-'), fc.constant('length'));
    const op = fc.record({
      op: fc.constantFrom('add', 'replace', 'remove'),
      path: fc.array(segment, { minLength: 1, maxLength: 3 }),
      // 100 as a length would extend: both must refuse it alike.
      value: fc.oneof(
        fc.nat({ max: 9 }),
        fc.constant(100),
        fc.constant({ a: 1 }),
        fc.constant([0, 1]),
      ),
    }) as fc.Arbitrary<PatchOp>;
    const initial = { a: { b: 1, list: [1, 2, 3] }, list: [{ a: 1 }, { b: 2 }], c: 0 };
    fc.assert(
      fc.property(fc.array(op, { maxLength: 6 }), (ops) => {
        // Values are inserted as given by both; clone per run so neither sees the other's writes.
        let expected: unknown;
        let expectedError: unknown;
        try {
          expected = applyPatch(structuredClone(initial), structuredClone(ops));
        } catch (error) {
          expectedError = error;
        }
        const target = structuredClone(initial);
        let error: unknown;
        try {
          applyPatchInPlace(target, structuredClone(ops));
        } catch (caught) {
          error = caught;
        }
        if (expectedError) {
          expect((error as Error | undefined)?.message).toBe((expectedError as Error).message);
          expect(target).toEqual(initial);
        } else {
          expect(error).toBeUndefined();
          expect(target).toEqual(expected);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
