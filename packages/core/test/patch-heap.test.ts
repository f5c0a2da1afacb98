import { describe, expect, it } from 'vitest';
import { lastJsonLine, runInSmallHeap } from './small-heap.js';

// One op of a few dozen bytes used to allocate an array of 2**32-1 entries: a fatal
// out-of-memory. In a child with a 64 MB heap, it must end in a typed error instead.
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
});
