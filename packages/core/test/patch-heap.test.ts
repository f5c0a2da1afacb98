import { describe, expect, it } from 'vitest';
import { lastJsonLine, runInSmallHeap } from './small-heap.js';

// One op of a few dozen bytes used to allocate an array of 2**32-1 entries: a fatal
// out-of-memory. In a child with a 64 MB heap, it must end in a typed error instead. Every
// value that would extend an array past a few items is tested here, never in the test process.
describe('a length op cannot exhaust the heap (child process, 64 MB heap)', () => {
  it('applyPatch and applyPatchInPlace refuse it as protocol', async () => {
    const run = await runInSmallHeap(`
      import { applyPatch, applyPatchInPlace } from '@statesync/core';
      const op = { op: 'replace', path: ['list', 'length'], value: 4294967295 };
      const codes = [];
      for (const apply of [applyPatch, applyPatchInPlace]) {
        const target = { list: [] };
        try {
          apply(target, [op]);
          codes.push('applied');
        } catch (error) {
          codes.push(error.code);
        }
        codes.push(target.list.length);
      }
      console.log(JSON.stringify(codes));
    `);
    expect(run.stderr).not.toMatch(/heap out of memory/);
    expect(run.code).toBe(0);
    expect(lastJsonLine(run)).toEqual(['protocol', 0, 'protocol', 0]);
  }, 90_000);

  // A 1e7 length, an index far past the end, and the same on a non-empty array: each refused
  // before anything is written. The result is serialised as a mirror or a store would, so an
  // array that was extended anyway (10 million holes: a JSON text of 50 MB) exhausts the heap.
  it('a 1e7 length and far indexes are refused too, by both, before any write', async () => {
    const run = await runInSmallHeap(`
      import { applyPatch, applyPatchInPlace } from '@statesync/core';
      const ops = [
        { op: 'replace', path: ['list', 'length'], value: 1e7 },
        { op: 'replace', path: ['list', 'length'], value: 4294967295 },
        { op: 'add', path: ['list', 1e7], value: 1 },
        { op: 'replace', path: ['list', 4294967294], value: 1 },
        { op: 'add', path: ['list', '9999999'], value: 1 },
      ];
      const results = [];
      for (const apply of [applyPatch, applyPatchInPlace]) {
        for (const op of ops) {
          const target = { list: [1, 2, 3] };
          let outcome;
          try {
            const next = apply(target, [{ op: 'replace', path: ['list', 0], value: 9 }, op]);
            outcome = 'applied ' + JSON.stringify(next ?? target).length;
          } catch (error) {
            outcome = error.code;
          }
          results.push(outcome + ' ' + JSON.stringify(target));
        }
      }
      console.log(JSON.stringify(results));
    `);
    expect(run.stderr).not.toMatch(/heap out of memory/);
    expect(run.code).toBe(0);
    expect(lastJsonLine(run)).toEqual(Array(10).fill('protocol {"list":[1,2,3]}'));
  }, 90_000);
});
