import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultTimers } from '../src/timers.js';

describe('defaultTimers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delegates to the platform timers and clock, looked up at call time', () => {
    vi.useFakeTimers({ now: 5000 });
    const fired: number[] = [];
    defaultTimers.setTimeout(() => fired.push(1), 100);
    const cancelled = defaultTimers.setTimeout(() => fired.push(2), 100);
    defaultTimers.clearTimeout(cancelled);
    expect(defaultTimers.now()).toBe(5000);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([1]);
    expect(defaultTimers.now()).toBe(5100);
  });

  it('works with the real timers when detached from the object', async () => {
    const { setTimeout, clearTimeout, now } = defaultTimers;
    const before = now();
    expect(typeof before).toBe('number');
    const cancelled = setTimeout(() => {
      throw new Error('should have been cleared');
    }, 0);
    clearTimeout(cancelled);
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
    expect(now()).toBeGreaterThanOrEqual(before);
  });
});
