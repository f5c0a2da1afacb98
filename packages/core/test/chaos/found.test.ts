/** Defects the chaos schedules found, each as the smallest schedule that shows it. */
import { describe, expect, it } from 'vitest';
import { createAuthority, createRevisionSync, type InvalidationEvent } from '../../src/index.js';
import { createVirtualClock } from '../../src/testing.js';

describe('found by chaos', () => {
  // Seed 20261207, schedule 489 (and 124, 590, ...): a late invalidation of the epoch the
  // authority left leaves a target no authority will serve, so refresh() rejects for good.
  // An announcement of an epoch the client left is a hint: pulled once, never waited for.
  for (const settled of [false, true]) {
    it(`a late invalidation of an epoch already left does not poison refresh() (refresh ${settled ? 'after' : 'during'} its pull)`, async () => {
      const clock = createVirtualClock();
      const authority = createAuthority({
        topic: 't',
        data: { n: 0 },
        epoch: 'e0',
        now: clock.now,
      });
      const errors: string[] = [];
      const handlers = new Set<(event: InvalidationEvent) => void>();
      const engine = createRevisionSync({
        topic: 't',
        subscriber: {
          subscribe(handler) {
            handlers.add(handler);
            return () => handlers.delete(handler);
          },
        },
        provider: authority.provider,
        applier: { apply() {} },
        retry: false,
        timers: clock,
        onError: (context) => errors.push(context.error.code),
      });
      await engine.start();
      const late = authority.set({ n: 1 });
      authority.restart({ epoch: 'e1' });
      await engine.refresh();
      // Also past the confirming pull the switch makes, so the late event's own pull asks for it.
      await clock.runAll();
      expect(engine.status.getState().epoch).toBe('e1');
      // The event of e0, delayed on the way, arrives now.
      for (const handler of handlers) handler(late);
      if (settled) await clock.runAll();
      const refreshed = engine.refresh().then(
        () => 'resolved',
        (error: unknown) => String(error),
      );
      await clock.runAll();
      const outcome = await refreshed;
      await engine.stop();
      expect(outcome).toBe('resolved');
      expect(engine.status.getState().epoch).toBe('e1');
      expect(errors).toEqual([]);
    });
  }
});
