import { describe, expect, it } from 'vitest';
import { createPendingRequests, isStateSyncError } from '../src/index.js';
import { createVirtualClock } from '../src/testing.js';

/** What a promise settled with, once it settled. */
function watch<T>(promise: Promise<T>) {
  const seen: { value?: T; error?: unknown; settled: number } = { settled: 0 };
  promise.then(
    (value) => {
      seen.value = value;
      seen.settled++;
    },
    (error: unknown) => {
      seen.error = error;
      seen.settled++;
    },
  );
  return seen;
}

describe('createPendingRequests', () => {
  it('settles each request once: the first of answer, failure, timeout or stop wins', async () => {
    const clock = createVirtualClock();
    const left: string[] = [];
    const requests = createPendingRequests<string, { label: string }>({
      timers: clock,
      onLeave: (id) => left.push(id),
    });
    const a = watch(requests.add('a', { label: 'first' }, { timeoutMs: 100 }));
    const b = watch(requests.add('b', { label: 'second' }, { timeoutMs: 100 }));
    expect(requests.get('a')).toEqual({ label: 'first' });
    expect(requests.ids()).toEqual(['a', 'b']);
    expect(requests.resolve('a', 'yes')).toBe(true);
    expect(requests.resolve('a', 'again')).toBe(false);
    expect(requests.reject('a', new Error('late'))).toBe(false);
    await clock.advance(100);
    expect(a).toEqual({ value: 'yes', settled: 1 });
    expect(b.settled).toBe(1);
    expect(isStateSyncError(b.error, 'timeout')).toBe(true);
    expect((b.error as Error).message).toBe('request b timed out after 100 ms');
    expect(left).toEqual(['a', 'b']);
    expect(requests.size()).toBe(0);
    expect(clock.pendingCount()).toBe(0);
  });

  it('settles a timeout as onTimeout says, from the data kept with the request', async () => {
    const clock = createVirtualClock();
    const requests = createPendingRequests<string[], string[]>({
      timers: clock,
      onTimeout: (_id, answers) => ({ value: [...answers, 'timeout'] }),
    });
    const answers = ['one'];
    const seen = watch(requests.add('x', answers, { timeoutMs: 5 }));
    await clock.advance(5);
    expect(seen).toEqual({ value: ['one', 'timeout'], settled: 1 });
  });

  it('rejects with the reason of an aborted signal, and at once when it was aborted before', async () => {
    const requests = createPendingRequests<number>();
    const controller = new AbortController();
    const seen = watch(requests.add('p', undefined, { signal: controller.signal }));
    controller.abort(new Error('gave up'));
    const early = watch(requests.add('q', undefined, { signal: controller.signal }));
    await Promise.resolve();
    expect((seen.error as Error).message).toBe('gave up');
    expect((early.error as Error).message).toBe('gave up');
    expect(requests.size()).toBe(0);
    expect(requests.resolve('p', 1)).toBe(false);
  });

  it('rejects everything in flight on stop, and refuses an id already in flight', async () => {
    const requests = createPendingRequests<number>();
    const first = watch(requests.add('same', undefined));
    const twin = watch(requests.add('same', undefined));
    const other = watch(requests.add('other', undefined));
    const stop = new Error('stopped');
    requests.rejectAll(stop);
    await Promise.resolve();
    expect(isStateSyncError(twin.error, 'invalid_option')).toBe(true);
    expect([first.error, other.error]).toEqual([stop, stop]);
    expect(requests.size()).toBe(0);
  });

  it('hands a request over unsettled: its timer stops and the taker settles it', async () => {
    const clock = createVirtualClock();
    const left: string[] = [];
    const requests = createPendingRequests<string, string>({
      timers: clock,
      onLeave: (id) => left.push(id),
    });
    const seen = watch(requests.add('c', 'data', { timeoutMs: 10 }));
    const taken = requests.take('c');
    expect(taken?.data).toBe('data');
    expect(requests.take('c')).toBeUndefined();
    expect(left).toEqual(['c']);
    await clock.advance(50);
    expect(seen.settled).toBe(0);
    taken?.resolve('by the taker');
    await Promise.resolve();
    expect(seen).toEqual({ value: 'by the taker', settled: 1 });
  });
});
