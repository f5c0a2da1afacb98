import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVirtualClock } from '../src/virtual-clock.js';

describe('createVirtualClock', () => {
  it('starts at startMs and moves only on advance', async () => {
    const clock = createVirtualClock(1000);
    expect(clock.now()).toBe(1000);
    await clock.flush();
    expect(clock.now()).toBe(1000);
    await clock.advance(250);
    expect(clock.now()).toBe(1250);
  });

  it('fires timers in time order, then insertion order, at their own time', async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    const record = (name: string) => () => fired.push(`${name}@${clock.now()}`);
    clock.setTimeout(record('c'), 30);
    clock.setTimeout(record('a1'), 10);
    clock.setTimeout(record('b'), 20);
    clock.setTimeout(record('a2'), 10);
    await clock.advance(25);
    expect(fired).toEqual(['a1@10', 'a2@10', 'b@20']);
    expect(clock.now()).toBe(25);
    expect(clock.pendingCount()).toBe(1);
    await clock.advance(5);
    expect(fired).toEqual(['a1@10', 'a2@10', 'b@20', 'c@30']);
  });

  it('returns distinct numeric handles and cancels with clearTimeout', async () => {
    const clock = createVirtualClock();
    let fired = 0;
    const a = clock.setTimeout(() => fired++, 10);
    const b = clock.setTimeout(() => fired++, 10);
    expect(typeof a).toBe('number');
    expect(a).not.toBe(b);
    clock.clearTimeout(a);
    clock.clearTimeout(12345);
    clock.clearTimeout(undefined);
    expect(clock.pendingCount()).toBe(1);
    await clock.advance(10);
    expect(fired).toBe(1);
    expect(clock.pendingCount()).toBe(0);
  });

  it('treats negative and non-finite delays as 0', async () => {
    const clock = createVirtualClock();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), -5);
    clock.setTimeout(() => fired.push(2), Number.NaN);
    await clock.advance(0);
    expect(fired).toEqual([1, 2]);
  });

  it('fires timers scheduled during advance that fall inside the window', async () => {
    const clock = createVirtualClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 10);
      clock.setTimeout(() => fired.push(clock.now()), 100);
    }, 10);
    await clock.advance(50);
    expect(fired).toEqual([10, 20]);
    expect(clock.pendingCount()).toBe(1);
  });

  it('lets async code chained on timers make progress between timers', async () => {
    const clock = createVirtualClock();
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
    const steps: number[] = [];
    const task = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(10);
        // Several awaits between timers, as real code has.
        await Promise.resolve();
        await Promise.resolve();
        steps.push(clock.now());
      }
      return 'done';
    })();
    await clock.advance(30);
    expect(steps).toEqual([10, 20, 30]);
    await expect(task).resolves.toBe('done');
  });

  it('flush runs pending promise callbacks without moving time', async () => {
    const clock = createVirtualClock(5);
    let settled = false;
    void Promise.resolve()
      .then(() => undefined)
      .then(() => {
        settled = true;
      });
    clock.setTimeout(() => {}, 1);
    await clock.flush();
    expect(settled).toBe(true);
    expect(clock.now()).toBe(5);
    expect(clock.pendingCount()).toBe(1);
  });

  it('runAll fires everything, including timers scheduled along the way', async () => {
    const clock = createVirtualClock();
    const fired: number[] = [];
    let remaining = 5;
    const tick = () => {
      fired.push(clock.now());
      if (--remaining > 0) clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    await clock.runAll();
    expect(fired).toEqual([100, 200, 300, 400, 500]);
    expect(clock.pendingCount()).toBe(0);
    expect(clock.now()).toBe(500);
  });

  it('runAll throws on a runaway loop', async () => {
    const clock = createVirtualClock();
    let count = 0;
    const loop = () => {
      count++;
      clock.setTimeout(loop, 1);
    };
    clock.setTimeout(loop, 1);
    await expect(clock.runAll(50)).rejects.toThrow(/runAll\(\) fired 50 timers/);
    expect(count).toBe(50);
  });

  it('runAll allows exactly maxTimers', async () => {
    const clock = createVirtualClock();
    for (let i = 0; i < 3; i++) clock.setTimeout(() => {}, i);
    await expect(clock.runAll(3)).resolves.toBeUndefined();
  });

  it('keeps firing after a throwing callback and rethrows the first error', async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => {
      throw new Error('first');
    }, 1);
    clock.setTimeout(() => {
      throw new Error('second');
    }, 2);
    clock.setTimeout(() => fired.push('after'), 3);
    await expect(clock.advance(10)).rejects.toThrow('first');
    expect(fired).toEqual(['after']);
    expect(clock.now()).toBe(10);
  });

  it('rejects negative advances and overlapping calls', async () => {
    const clock = createVirtualClock();
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    const first = clock.advance(10);
    await expect(clock.advance(10)).rejects.toThrow(/already running/);
    await first;
    expect(clock.now()).toBe(10);
  });

  describe('without setImmediate', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
      vi.resetModules();
    });

    for (const missing of [['setImmediate'], ['setImmediate', 'MessageChannel']]) {
      it(`still lets async code progress without ${missing.join(' and ')}`, async () => {
        for (const name of missing) vi.stubGlobal(name, undefined);
        vi.resetModules();
        const { createVirtualClock: create } = await import('../src/virtual-clock.js');
        const clock = create();
        const steps: number[] = [];
        void (async () => {
          for (let i = 0; i < 3; i++) {
            await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
            await Promise.resolve();
            steps.push(clock.now());
          }
        })();
        await clock.advance(30);
        expect(steps).toEqual([10, 20, 30]);
      });
    }
  });
});
