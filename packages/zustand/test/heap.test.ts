import { describe, expect, it } from 'vitest';
import { lastJsonLine, runInSmallHeap } from '../../core/test/small-heap.js';

// An invalidation of about 90 bytes whose delta writes a huge `length` used to kill an engine
// with the Zustand applier (fatal out-of-memory). In a child with a 64 MB heap, the delta must be
// refused as protocol and the store left as it was.
describe('a forged length delta against an engine with the Zustand applier', () => {
  it('is refused as protocol without exhausting a 64 MB heap', async () => {
    const run = await runInSmallHeap(`
      import { createRevisionSync } from '@statesync/core';
      import { createZustandSnapshotApplier } from '@statesync/zustand';
      import { createStore } from 'zustand/vanilla';

      const raw = '{"topic":"t","revision":"2","delta":{"base":"1","ops":[{"op":"replace","path":["list","length"],"value":4294967295}]}}';
      const store = createStore()(() => ({ list: [] }));
      const errors = [];
      let handler;
      const sync = createRevisionSync({
        topic: 't',
        subscriber: { subscribe: (h) => { handler = h; return () => {}; } },
        provider: { getSnapshot: async () => ({ revision: '1', data: { list: [] } }) },
        applier: createZustandSnapshotApplier(store),
        onError: ({ phase, error }) => errors.push(phase + ':' + error.code),
        retry: false,
        throttling: {},
        resyncOnResume: false,
      });
      await sync.start();
      handler(JSON.parse(raw));
      await sync.stop();
      console.log(JSON.stringify({ bytes: raw.length, errors, list: store.getState().list.length }));
    `);
    expect(run.stderr).not.toMatch(/heap out of memory/);
    expect(run.code).toBe(0);
    const result = lastJsonLine(run) as { bytes: number; errors: string[]; list: number };
    expect(result.bytes).toBeLessThan(120);
    expect(result.errors[0]).toBe('patch:protocol');
    expect(result.list).toBe(0);
  }, 90_000);
});
