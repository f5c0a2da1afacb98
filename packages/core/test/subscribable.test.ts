import { describe, expect, it } from 'vitest';
import { StateSyncError } from '../src/errors.js';
import { createObservable, createReporter, isPlainObject, isRecord } from '../src/index.js';
import { createTestStore } from '../src/testing.js';

describe('createObservable', () => {
  it('tells each subscription, skips equal values and isolates a throwing listener', () => {
    const errors: unknown[] = [];
    const value = createObservable(1, (error) => errors.push(error));
    const seen: number[] = [];
    const listener = (next: number) => seen.push(next);
    const first = value.subscribe(listener);
    value.subscribe(listener);
    value.subscribe(() => {
      throw new Error('boom');
    });
    value.set(2);
    value.set(2);
    expect(seen).toEqual([2, 2]);
    expect(errors).toHaveLength(1);
    first();
    value.set(3);
    expect(seen).toEqual([2, 2, 3]);
    expect(value.listenerCount()).toBe(2);
  });

  it('does not call a listener unsubscribed by an earlier one', () => {
    const value = createObservable('a');
    const calls: string[] = [];
    let stopSecond = () => {};
    value.subscribe(() => {
      calls.push('first');
      stopSecond();
    });
    stopSecond = value.subscribe(() => calls.push('second'));
    value.set('b');
    expect(calls).toEqual(['first']);
  });

  it('backs createTestStore, whose setState is set', () => {
    const store = createTestStore({ count: 0 });
    const seen: number[] = [];
    store.subscribe((state) => seen.push(state.count));
    store.setState({ count: 1 });
    store.set({ count: 2 });
    expect(seen).toEqual([1, 2]);
  });
});

describe('createReporter', () => {
  it('logs the line first, then tells onError, and survives an onError that throws', () => {
    const lines: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (message: string) => lines.push(`warn ${message}`),
      error: (message: string) => lines.push(`error ${message}`),
    };
    const report = createReporter<{ error: StateSyncError }>(
      logger,
      () => {
        lines.push('onError');
        throw new Error('bad handler');
      },
      (context) => ({ level: 'warn', message: context.error.code, fields: {} }),
    );
    report({ error: new StateSyncError('timeout', 'late') });
    expect(lines).toEqual(['warn timeout', 'onError', 'error onError threw']);
  });
});

describe('isPlainObject and isRecord', () => {
  it('tell records from plain objects', () => {
    class Point {}
    const cases = [{}, Object.create(null), [], new Point(), new Map(), null, 'x'];
    expect(cases.map(isRecord)).toEqual([true, true, false, true, true, false, false]);
    expect(cases.map(isPlainObject)).toEqual([true, true, false, false, false, false, false]);
  });
});
