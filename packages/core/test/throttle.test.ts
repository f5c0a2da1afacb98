import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStateSyncError } from '../src/errors.js';
import { createThrottle } from '../src/throttle.js';
import type { ThrottlingOptions } from '../src/types.js';
import { createVirtualClock } from '../src/virtual-clock.js';

/** A throttle whose runs are recorded as virtual timestamps. */
function setup(options: ThrottlingOptions) {
  const clock = createVirtualClock();
  const runs: number[] = [];
  const throttle = createThrottle(() => runs.push(clock.now()), options, clock);
  /** Triggers once at each of the given absolute times. */
  const triggerAt = async (...times: number[]) => {
    for (const time of times) {
      await clock.advance(time - clock.now());
      throttle.trigger();
    }
  };
  return { clock, runs, throttle, triggerAt };
}

describe('createThrottle without delays', () => {
  it('runs synchronously on every trigger', () => {
    const { runs, throttle, clock } = setup({});
    throttle.trigger();
    throttle.trigger();
    expect(runs).toEqual([0, 0]);
    expect(throttle.isPending()).toBe(false);
    expect(clock.pendingCount()).toBe(0);
  });

  it('treats zero delays as none', () => {
    const { runs, throttle } = setup({ debounceMs: 0, throttleMs: 0, leading: false });
    throttle.trigger();
    expect(runs).toEqual([0]);
  });
});

describe('createThrottle with debounceMs', () => {
  it('runs once, debounceMs after the last trigger of a burst', async () => {
    const { runs, clock, triggerAt, throttle } = setup({ debounceMs: 50 });
    await triggerAt(0, 10, 20, 30);
    expect(runs).toEqual([]);
    expect(throttle.isPending()).toBe(true);
    await clock.advance(49);
    expect(runs).toEqual([]);
    await clock.advance(1);
    expect(runs).toEqual([80]);
    expect(throttle.isPending()).toBe(false);
    await clock.runAll();
    expect(runs).toEqual([80]);
  });

  it('treats triggers after a quiet period as a new burst', async () => {
    const { runs, clock, triggerAt } = setup({ debounceMs: 50 });
    await triggerAt(0, 100, 120);
    await clock.runAll();
    expect(runs).toEqual([50, 170]);
  });

  it('with leading, runs at the start of a burst and once more at its end', async () => {
    const { runs, clock, triggerAt } = setup({ debounceMs: 50, leading: true });
    await triggerAt(0);
    expect(runs).toEqual([0]);
    await triggerAt(10, 20, 30, 40);
    await clock.runAll();
    expect(runs).toEqual([0, 90]);
  });

  it('with leading, a lone trigger runs once', async () => {
    const { runs, clock, triggerAt } = setup({ debounceMs: 50, leading: true });
    await triggerAt(0);
    await clock.runAll();
    expect(runs).toEqual([0]);
    await triggerAt(200);
    await clock.runAll();
    expect(runs).toEqual([0, 200]);
  });

  it('with leading and no trailing, runs only at the start of each burst', async () => {
    const { runs, clock, triggerAt, throttle } = setup({
      debounceMs: 50,
      leading: true,
      trailing: false,
    });
    await triggerAt(0, 10, 20);
    expect(throttle.isPending()).toBe(false);
    await triggerAt(100, 110);
    await clock.runAll();
    expect(runs).toEqual([0, 100]);
  });

  it('maxWaitMs bounds how long a continuous burst postpones a run', async () => {
    const { runs, clock, triggerAt } = setup({ debounceMs: 50, maxWaitMs: 100 });
    await triggerAt(...Array.from({ length: 30 }, (_, i) => i * 10)); // 0..290
    await clock.runAll();
    // Timers fire before a trigger at the same instant, so the trigger at 100 is owed from 100,
    // and so on; the last run (at 300) serves 200..290, leaving nothing for the quiet end.
    expect(runs).toEqual([100, 200, 300]);
  });

  it('maxWaitMs does not add a leading run within the same burst', async () => {
    const { runs, clock, triggerAt } = setup({ debounceMs: 50, maxWaitMs: 100, leading: true });
    await triggerAt(...Array.from({ length: 30 }, (_, i) => i * 10));
    await clock.runAll();
    expect(runs).toEqual([0, 110, 210, 310]);
  });

  it('with throttleMs too, uses throttleMs as maxWait', async () => {
    const { runs, clock, triggerAt } = setup({ debounceMs: 50, throttleMs: 100 });
    await triggerAt(...Array.from({ length: 30 }, (_, i) => i * 10));
    await clock.runAll();
    expect(runs).toEqual([100, 200, 300]);
  });

  it('takes the smaller of throttleMs and maxWaitMs', async () => {
    const { runs, clock, triggerAt } = setup({ debounceMs: 50, throttleMs: 100, maxWaitMs: 60 });
    await triggerAt(...Array.from({ length: 12 }, (_, i) => i * 10)); // 0..110
    await clock.runAll();
    // 0..50 are served at 60; 60..110 at 120 (maxWait 60 beats the quiet end at 160).
    expect(runs).toEqual([60, 120]);
  });

  it('flush runs the pending call now and clears the timer', async () => {
    const { runs, clock, triggerAt, throttle } = setup({ debounceMs: 50 });
    await triggerAt(0, 10);
    throttle.flush();
    expect(runs).toEqual([10]);
    expect(throttle.isPending()).toBe(false);
    expect(clock.pendingCount()).toBe(0);
    throttle.flush();
    await clock.runAll();
    expect(runs).toEqual([10]);
  });

  it('flush without a pending call does not run', async () => {
    const { runs, clock, triggerAt, throttle } = setup({ debounceMs: 50, leading: true });
    await triggerAt(0);
    throttle.flush();
    expect(runs).toEqual([0]);
    expect(clock.pendingCount()).toBe(0);
  });

  it('cancel drops the pending call', async () => {
    const { runs, clock, triggerAt, throttle } = setup({ debounceMs: 50 });
    await triggerAt(0, 10);
    throttle.cancel();
    expect(throttle.isPending()).toBe(false);
    await clock.runAll();
    expect(runs).toEqual([]);
    await triggerAt(100);
    await clock.runAll();
    expect(runs).toEqual([150]);
  });

  it('a trigger from inside run schedules exactly one more run', async () => {
    const clock = createVirtualClock();
    const runs: number[] = [];
    const throttle = createThrottle(
      () => {
        runs.push(clock.now());
        if (runs.length === 1) throttle.trigger();
      },
      { debounceMs: 50, leading: true },
      clock,
    );
    throttle.trigger();
    await clock.runAll();
    expect(runs).toEqual([0, 50]);
  });
});

describe('createThrottle with throttleMs', () => {
  it('runs at once, then once at the end of the window', async () => {
    const { runs, clock, triggerAt, throttle } = setup({ throttleMs: 100 });
    await triggerAt(0);
    expect(runs).toEqual([0]);
    expect(throttle.isPending()).toBe(false);
    await triggerAt(10, 50, 90);
    expect(throttle.isPending()).toBe(true);
    await clock.runAll();
    expect(runs).toEqual([0, 100]);
  });

  it('runs at most once per window under continuous triggers', async () => {
    const { runs, clock, triggerAt } = setup({ throttleMs: 100 });
    await triggerAt(...Array.from({ length: 35 }, (_, i) => i * 10)); // 0..340
    await clock.runAll();
    expect(runs).toEqual([0, 100, 200, 300, 400]);
  });

  it('a trigger after the window has closed runs at once', async () => {
    const { runs, clock, triggerAt } = setup({ throttleMs: 100 });
    await triggerAt(0, 250);
    await clock.runAll();
    expect(runs).toEqual([0, 250]);
  });

  it('a trailing run opens a new window', async () => {
    const { runs, clock, triggerAt } = setup({ throttleMs: 100 });
    await triggerAt(0, 50, 150);
    await clock.runAll();
    expect(runs).toEqual([0, 100, 200]);
  });

  it('without trailing, drops triggers inside the window', async () => {
    const { runs, clock, triggerAt, throttle } = setup({ throttleMs: 100, trailing: false });
    await triggerAt(0, 10, 90);
    expect(throttle.isPending()).toBe(false);
    await triggerAt(100, 150, 210);
    await clock.runAll();
    expect(runs).toEqual([0, 100, 210]);
  });

  it('without leading, waits for the end of the window', async () => {
    const { runs, clock, triggerAt } = setup({ throttleMs: 100, leading: false });
    await triggerAt(0, 30);
    expect(runs).toEqual([]);
    await triggerAt(150);
    await clock.runAll();
    expect(runs).toEqual([100, 200]);
  });

  it('flush and cancel', async () => {
    const { runs, clock, triggerAt, throttle } = setup({ throttleMs: 100 });
    await triggerAt(0, 10);
    throttle.flush();
    expect(runs).toEqual([0, 10]);
    expect(clock.pendingCount()).toBe(0);
    // After flush the throttle starts afresh: the next trigger leads.
    await triggerAt(20, 30);
    expect(runs).toEqual([0, 10, 20]);
    throttle.cancel();
    await clock.runAll();
    expect(runs).toEqual([0, 10, 20]);
  });
});

describe('createThrottle invariants', () => {
  const optionsArb = fc.oneof(
    fc.record(
      {
        debounceMs: fc.integer({ min: 1, max: 60 }),
        throttleMs: fc.integer({ min: 1, max: 120 }),
        maxWaitMs: fc.integer({ min: 1, max: 120 }),
        leading: fc.boolean(),
        trailing: fc.boolean(),
      },
      { requiredKeys: ['debounceMs'] },
    ),
    fc.record(
      {
        throttleMs: fc.integer({ min: 1, max: 60 }),
        leading: fc.boolean(),
        trailing: fc.boolean(),
      },
      { requiredKeys: ['throttleMs'] },
    ),
  );
  const gapsArb = fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 40 });

  it('never runs more often than triggered, and serves the last trigger when trailing', async () => {
    await fc.assert(
      fc.asyncProperty(optionsArb, gapsArb, async (options: ThrottlingOptions, gaps) => {
        const leading = options.leading ?? options.debounceMs === undefined;
        fc.pre(leading || options.trailing !== false);
        const { runs, clock, triggerAt } = setup(options);
        let time = 0;
        const times = gaps.map((gap) => (time += gap));
        await triggerAt(...times);
        await clock.runAll();

        // The k-th run needs at least k triggers before it: one trigger never runs twice.
        runs.forEach((run, k) => {
          expect(times.filter((t) => t <= run).length).toBeGreaterThanOrEqual(k + 1);
        });
        if (options.trailing !== false) expect(runs.at(-1)).toBeGreaterThanOrEqual(times.at(-1)!);
        if (options.debounceMs === undefined) {
          for (let i = 1; i < runs.length; i++) {
            expect(runs[i]! - runs[i - 1]!).toBeGreaterThanOrEqual(options.throttleMs!);
          }
        }
        expect(clock.pendingCount()).toBe(0);
      }),
      { seed: 20260101, numRuns: 200 },
    );
  });

  it('a burst of N triggers costs at most 2 runs with leading, 1 without', async () => {
    for (const leading of [true, false]) {
      const { runs, clock, throttle } = setup({ debounceMs: 50, leading });
      for (let i = 0; i < 100; i++) {
        throttle.trigger();
        await clock.advance(10);
      }
      await clock.runAll();
      expect(runs).toEqual(leading ? [0, 1040] : [1040]);
    }
  });
});

describe('createThrottle option checks', () => {
  it.each([
    { debounceMs: -1 },
    { throttleMs: Number.NaN },
    { debounceMs: Number.POSITIVE_INFINITY },
    { debounceMs: 10, maxWaitMs: 0 },
    { debounceMs: 10, leading: false, trailing: false },
    { throttleMs: 10, leading: false, trailing: false },
  ])('rejects %o with invalid_option', (options) => {
    const clock = createVirtualClock();
    let thrown: unknown;
    try {
      createThrottle(() => {}, options, clock);
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'invalid_option')).toBe(true);
  });
});
