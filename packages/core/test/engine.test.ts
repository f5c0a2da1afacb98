import { describe, expect, it } from 'vitest';
import {
  createConsoleLogger,
  createRevisionSync,
  isStateSyncError,
  type RevisionSyncOptions,
  StateSyncError,
  type SyncStatus,
  tagLogger,
} from '../src/index.js';
import { createVirtualClock } from '../src/virtual-clock.js';
import {
  errorCollector,
  instantProvider,
  manualProvider,
  manualSubscriber,
  recordingApplier,
} from './fixtures.js';

type Data = { value: number };
const snap = (revision: string, value = Number(revision), epoch?: string) =>
  epoch === undefined ? { revision, data: { value } } : { revision, epoch, data: { value } };
const event = (revision: string, extra: Record<string, unknown> = {}) => ({
  topic: 'settings',
  revision,
  ...extra,
});

function setup(overrides: Partial<RevisionSyncOptions<Data>> = {}, patches = false) {
  const clock = createVirtualClock();
  const subscriber = manualSubscriber();
  const provider = manualProvider<Data>();
  const record = recordingApplier<Data>({ patches });
  const errors = errorCollector();
  const handle = createRevisionSync<Data>({
    topic: 'settings',
    subscriber,
    provider,
    applier: record.applier,
    onError: errors.onError,
    timers: clock,
    random: () => 0,
    // Most tests pin the engine's own coalescing; the default debounce has its own test.
    throttling: {},
    ...overrides,
  });
  return { clock, subscriber, provider, record, errors, handle };
}

/** Starts the handle and answers its first fetch with `first`. */
async function started(
  first = snap('5'),
  overrides: Partial<RevisionSyncOptions<Data>> = {},
  patches = false,
) {
  const ctx = setup(overrides, patches);
  const starting = ctx.handle.start();
  await ctx.clock.flush();
  ctx.provider.last.resolve(first);
  await starting;
  return ctx;
}

describe('revision gate', () => {
  it('applies the first snapshot, whatever its revision', async () => {
    const { record, handle } = await started(snap('0'));
    expect(record.revisions()).toEqual(['0']);
    expect(handle.getLocalRevision()).toBe('0');
  });

  it('skips the self-echo of the revision it holds without calling the provider', async () => {
    const { subscriber, provider, clock } = await started(snap('5'));
    subscriber.emit(event('5'));
    subscriber.emit(event('4'));
    await clock.flush();
    expect(provider.calls).toHaveLength(1);
  });

  it('fetches for a newer event and applies the result', async () => {
    const { subscriber, provider, clock, record } = await started(snap('5'));
    subscriber.emit(event('6'));
    await clock.flush();
    expect(provider.calls).toHaveLength(2);
    provider.last.resolve(snap('6'));
    await clock.flush();
    expect(record.revisions()).toEqual(['5', '6']);
  });

  it('never applies a snapshot older than the local revision', async () => {
    const { handle, provider, clock, record } = setup({ initialRevision: '7' });
    const starting = handle.start();
    await clock.flush();
    provider.last.resolve(snap('3'));
    await starting;
    expect(record.applied).toHaveLength(0);
    expect(handle.getLocalRevision()).toBe('7');
  });

  it('compares revisions as u64 numbers, not as strings', async () => {
    const { subscriber, provider, clock } = await started(snap('9'));
    subscriber.emit(event('10'));
    await clock.flush();
    expect(provider.calls).toHaveLength(2);
  });

  it('ignores events for other topics', async () => {
    const { subscriber, provider, clock } = await started(snap('5'));
    subscriber.emit({ topic: 'other', revision: '9' });
    await clock.flush();
    expect(provider.calls).toHaveLength(1);
  });

  it('lets shouldRefresh skip a window’s own writes', async () => {
    const windowId = 'window-a';
    const { subscriber, provider, clock } = await started(snap('5'), {
      shouldRefresh: (e) => e.sourceId !== windowId,
    });
    subscriber.emit(event('6', { sourceId: windowId }));
    await clock.flush();
    expect(provider.calls).toHaveLength(1);
    subscriber.emit(event('6', { sourceId: 'window-b' }));
    await clock.flush();
    expect(provider.calls).toHaveLength(2);
  });

  it('setLocalRevision refuses malformed revisions and epochs', async () => {
    const { handle } = await started(snap('5'));
    expect(() => handle.setLocalRevision('06')).toThrowError(
      expect.objectContaining({ code: 'protocol' }),
    );
    expect(() => handle.setLocalRevision('6', '')).toThrowError(
      expect.objectContaining({ code: 'invalid_option' }),
    );
    expect(handle.getLocalRevision()).toBe('5');
  });

  it('setLocalRevision makes the echo of a write free and never moves backwards', async () => {
    const { subscriber, provider, clock, handle } = await started(snap('5'));
    handle.setLocalRevision('8');
    handle.setLocalRevision('6');
    expect(handle.getLocalRevision()).toBe('8');
    subscriber.emit(event('8'));
    await clock.flush();
    expect(provider.calls).toHaveLength(1);
  });
});

describe('protocol validation', () => {
  it.each([
    ['leading zero', '05'],
    ['sign', '+5'],
    ['number', 5],
    ['over u64', '18446744073709551616'],
    ['empty', ''],
  ])('reports a %s revision as a protocol error and does not fetch', async (_label, revision) => {
    const { subscriber, provider, clock, errors } = await started(snap('5'));
    subscriber.emit({ topic: 'settings', revision });
    await clock.flush();
    expect(provider.calls).toHaveLength(1);
    expect(errors.codes()).toEqual(['protocol:protocol']);
    expect(errors.errors[0]?.sourceEvent).toEqual({ topic: 'settings', revision });
  });

  it('accepts the largest u64 revision', async () => {
    const { subscriber, provider, clock, errors } = await started(snap('5'));
    subscriber.emit(event('18446744073709551615'));
    await clock.flush();
    expect(errors.errors).toHaveLength(0);
    expect(provider.calls).toHaveLength(2);
  });

  it('rejects a malformed snapshot without retrying and keeps local state', async () => {
    const { handle, provider, clock, errors, record } = setup();
    const starting = handle.start();
    await clock.flush();
    provider.last.resolve({ revision: 'abc', data: {} } as never);
    await starting;
    expect(provider.calls).toHaveLength(1);
    expect(errors.codes()).toEqual(['protocol:protocol']);
    expect(record.applied).toHaveLength(0);
    expect(handle.status.getState().state).toBe('error');
  });

  it('refuses a bad initialRevision and an empty topic at creation', () => {
    expect(() => setup({ initialRevision: '007' })).toThrow(/canonical/);
    expect(() => setup({ topic: ' ' })).toThrowError(
      expect.objectContaining({ code: 'invalid_option' }),
    );
  });
});

describe('coalescing', () => {
  it('runs one more fetch for any number of events during the one in flight', async () => {
    const { subscriber, provider, clock, record } = await started(snap('5'));
    subscriber.emit(event('6'));
    await clock.flush();
    for (let r = 7; r <= 200; r++) subscriber.emit(event(String(r)));
    await clock.flush();
    expect(provider.calls).toHaveLength(2);
    provider.last.resolve(snap('6'));
    await clock.flush();
    expect(provider.calls).toHaveLength(3);
    provider.last.resolve(snap('200'));
    await clock.flush();
    expect(provider.calls).toHaveLength(3);
    expect(record.revisions()).toEqual(['5', '6', '200']);
  });

  it('skips the queued fetch when the one in flight already brought its revision', async () => {
    const { subscriber, provider, clock } = await started(snap('5'));
    subscriber.emit(event('6'));
    subscriber.emit(event('7'));
    await clock.flush();
    provider.last.resolve(snap('7'));
    await clock.flush();
    expect(provider.calls).toHaveLength(2);
  });

  it('does not lose a queued fetch when the one in flight fails', async () => {
    const { subscriber, provider, clock, record, errors } = await started(snap('5'), {
      retry: false,
    });
    subscriber.emit(event('6'));
    await clock.flush();
    subscriber.emit(event('7'));
    provider.last.reject(new Error('network down'));
    await clock.flush();
    expect(errors.codes()).toEqual(['snapshot:snapshot_failed']);
    expect(provider.calls).toHaveLength(3);
    provider.last.resolve(snap('7'));
    await clock.flush();
    expect(record.revisions()).toEqual(['5', '7']);
  });
});

describe('refresh()', () => {
  it('resolves once a snapshot fetched after the call is applied', async () => {
    const { handle, provider, clock, record } = await started(snap('5'));
    let done = false;
    const refreshing = handle.refresh().then(() => {
      done = true;
    });
    await clock.flush();
    expect(done).toBe(false);
    provider.last.resolve(snap('6'));
    await refreshing;
    expect(record.revisions()).toEqual(['5', '6']);
  });

  it('a refresh chained on another settles too (no request lost between two fetches)', async () => {
    const { handle, provider, clock, record } = await started(snap('5'));
    const chained = handle.refresh().then(() => handle.refresh());
    await clock.flush();
    provider.last.resolve(snap('6'));
    // The second refresh asks for a fetch after the first one's; bounded: at most 3 rounds.
    for (let round = 0; round < 3 && provider.calls.length < 3; round++) await clock.flush();
    expect(provider.calls).toHaveLength(3);
    provider.last.resolve(snap('7'));
    await chained;
    expect(record.revisions()).toEqual(['5', '6', '7']);
  });

  it('a status listener calling refresh() never starts a second fetch at once', async () => {
    const { handle, provider, clock } = await started(snap('5'));
    let inFlight = 0;
    let most = 0;
    const unsubscribe = handle.status.subscribe((status) => {
      if (status.state === 'syncing') void handle.refresh();
    });
    const original = provider.calls.length;
    void handle.refresh();
    for (let round = 0; round < 3; round++) {
      await clock.flush();
      inFlight = provider.calls.length - original;
      most = Math.max(most, inFlight);
      if (inFlight > 0) break;
    }
    expect(most).toBe(1);
    unsubscribe();
  });

  it('waits for the newest announced revision, retrying a stale answer', async () => {
    const { handle, subscriber, provider, clock, record } = await started(snap('5'), {
      throttling: { debounceMs: 10_000 },
      retry: { maxAttempts: 3, initialDelayMs: 100, jitter: 0 },
    });
    subscriber.emit(event('9'));
    await clock.flush();
    expect(provider.calls).toHaveLength(1); // still debounced
    let done = false;
    const refreshing = handle.refresh().then(() => {
      done = true;
    });
    await clock.flush();
    provider.last.resolve(snap('8'));
    await clock.advance(100);
    expect(done).toBe(false);
    expect(provider.calls).toHaveLength(3);
    provider.last.resolve(snap('10'));
    await refreshing;
    expect(record.revisions()).toEqual(['5', '8', '10']);
  });

  it('does not resolve below a revision announced before the call when newer ones follow', async () => {
    const { handle, subscriber, provider, clock, record } = await started(snap('5'), {
      throttling: { debounceMs: 10_000 },
      retry: { maxAttempts: 3, initialDelayMs: 10, jitter: 0 },
    });
    subscriber.emit(event('9'));
    let done = false;
    const refreshing = handle.refresh().then(() => {
      done = true;
    });
    await clock.flush();
    subscriber.emit(event('10'));
    provider.last.resolve(snap('8'));
    await clock.advance(10_000);
    expect(done).toBe(false);
    provider.last.resolve(snap('10'));
    await refreshing;
    expect(record.revisions()).toEqual(['5', '8', '10']);
  });

  it('rejects with stale_snapshot when the provider stays behind the announced revision', async () => {
    const { handle, subscriber, provider, clock, errors } = await started(snap('5'), {
      retry: { maxAttempts: 2, initialDelayMs: 10, jitter: 0 },
    });
    subscriber.emit(event('9'));
    const refreshing = handle.refresh();
    const outcome = refreshing.catch((error: unknown) => error);
    for (let i = 0; i < 4 && provider.calls.length < 5; i++) {
      await clock.flush();
      provider.last.resolve(snap('7'));
      await clock.advance(10);
    }
    const error = await outcome;
    expect(isStateSyncError(error, 'stale_snapshot')).toBe(true);
    expect(errors.codes()).toContain('snapshot:stale_snapshot');
    expect(handle.getLocalRevision()).toBe('7');
  });

  it('rejects with the provider error when every attempt fails', async () => {
    const { handle, provider, clock } = await started(snap('5'), { retry: false });
    const outcome = handle.refresh().catch((error: unknown) => error);
    await clock.flush();
    provider.last.reject(new Error('boom'));
    const error = await outcome;
    expect(isStateSyncError(error, 'snapshot_failed')).toBe(true);
    expect((error as Error).message).toContain('boom');
  });

  it('works before start() as a one-shot pull', async () => {
    const provider = instantProvider(snap('3'));
    const record = recordingApplier<Data>();
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber: manualSubscriber(),
      provider,
      applier: record.applier,
    });
    await handle.refresh();
    expect(record.revisions()).toEqual(['3']);
  });
});

describe('delta fast path', () => {
  it('applies a delta whose base is the local revision without fetching', async () => {
    const { subscriber, provider, clock, record, handle } = await started(snap('5'), {}, true);
    const ops = [{ op: 'replace', path: ['value'], value: 6 }];
    subscriber.emit(event('6', { delta: { base: '5', ops } }));
    await clock.flush();
    expect(provider.calls).toHaveLength(1);
    expect(record.patched).toEqual([{ base: '5', revision: '6', ops }]);
    expect(handle.getLocalRevision()).toBe('6');
  });

  it('applies consecutive deltas in order and pulls a snapshot on a gap', async () => {
    const { subscriber, provider, clock, record } = await started(snap('5'), {}, true);
    const ops = [{ op: 'replace', path: ['value'], value: 0 }];
    subscriber.emit(event('6', { delta: { base: '5', ops } }));
    subscriber.emit(event('7', { delta: { base: '6', ops } }));
    subscriber.emit(event('9', { delta: { base: '8', ops } }));
    await clock.flush();
    expect(record.patched.map((p) => p.revision)).toEqual(['6', '7']);
    expect(provider.calls).toHaveLength(2);
    provider.last.resolve(snap('9'));
    await clock.flush();
    expect(record.revisions()).toEqual(['5', '9']);
  });

  it('pulls a snapshot when the applier cannot patch', async () => {
    const { subscriber, provider, clock } = await started(snap('5'));
    subscriber.emit(event('6', { delta: { base: '5', ops: [] } }));
    await clock.flush();
    expect(provider.calls).toHaveLength(2);
  });

  it('pulls a snapshot when the delta comes from another epoch', async () => {
    const { subscriber, provider, clock, record } = await started(snap('5', 5, 'A'), {}, true);
    subscriber.emit(event('6', { epoch: 'B', delta: { base: '5', ops: [] } }));
    await clock.flush();
    expect(record.patched).toHaveLength(0);
    expect(provider.calls).toHaveLength(2);
  });

  it('rejects a delta whose base is not older than its revision', async () => {
    const { subscriber, clock, errors } = await started(snap('5'), {}, true);
    subscriber.emit(event('6', { delta: { base: '6', ops: [] } }));
    await clock.flush();
    expect(errors.codes()).toEqual(['protocol:protocol']);
  });

  it('repairs with a snapshot when a patch throws', async () => {
    const { subscriber, provider, clock, record, errors } = await started(snap('5'), {}, true);
    record.applier.applyPatch = () => {
      throw new Error('patch exploded');
    };
    subscriber.emit(event('6', { delta: { base: '5', ops: [] } }));
    await clock.flush();
    expect(errors.codes()).toEqual(['patch:apply_failed']);
    provider.last.resolve(snap('6'));
    await clock.flush();
    expect(record.revisions()).toEqual(['5', '6']);
  });
});

describe('epochs', () => {
  it('accepts a restarted authority whose counter went back', async () => {
    const { subscriber, provider, clock, record, handle } = await started(snap('10', 10, 'A'));
    subscriber.emit(event('1', { epoch: 'B' }));
    await clock.flush();
    expect(provider.calls).toHaveLength(2);
    provider.last.resolve(snap('1', 1, 'B'));
    await clock.flush();
    expect(record.revisions()).toEqual(['10', '1']);
    expect(handle.status.getState().epoch).toBe('B');
  });

  it('confirms an epoch switch with one more pull', async () => {
    const { subscriber, provider, clock, record } = await started(snap('10', 10, 'A'));
    subscriber.emit(event('1', { epoch: 'B' }));
    await clock.flush();
    provider.last.resolve(snap('1', 1, 'B'));
    await clock.flush();
    expect(provider.calls).toHaveLength(3);
    // A stray from the old authority answered the first pull; the live one answers the second.
    provider.last.resolve(snap('10', 10, 'A'));
    await clock.flush();
    expect(record.revisions()).toEqual(['10', '1', '10']);
    // Switching back is a switch too, so it is confirmed as well; two agreeing answers end it.
    expect(provider.calls).toHaveLength(4);
    provider.last.resolve(snap('10', 10, 'A'));
    await clock.flush();
    expect(record.revisions()).toEqual(['10', '1', '10']);
    expect(provider.calls).toHaveLength(4);
  });

  it('stops confirming after 8 switches in one fetch loop (two live authorities answering in turn)', async () => {
    const { subscriber, provider, clock } = await started(snap('1', 1, 'A'));
    subscriber.emit(event('1', { epoch: 'B' }));
    await clock.flush();
    for (let i = 0; i < 20 && provider.calls.length <= 20; i++) {
      const epoch = i % 2 === 0 ? 'B' : 'A';
      provider.last.resolve(snap('1', 1, epoch));
      await clock.flush();
    }
    // The first pull, then 8 confirmations: no endless ping-pong.
    expect(provider.calls).toHaveLength(1 + 1 + 8);
  });

  it('ignores late events and snapshots older than what it saw of a left epoch', async () => {
    const { subscriber, provider, clock, record } = await started(snap('10', 10, 'A'), {
      retry: false,
    });
    subscriber.emit(event('1', { epoch: 'B' }));
    await clock.flush();
    provider.last.resolve(snap('1', 1, 'B'));
    await clock.flush();
    provider.last.resolve(snap('1', 1, 'B'));
    await clock.flush();
    subscriber.emit(event('9', { epoch: 'A' }));
    await clock.flush();
    expect(provider.calls).toHaveLength(3);
    subscriber.emit(event('2', { epoch: 'B' }));
    await clock.flush();
    provider.last.resolve(snap('9', 9, 'A'));
    await clock.flush();
    expect(record.revisions()).toEqual(['10', '1']);
  });

  it('treats events without an epoch as seed-style revision events', async () => {
    const { subscriber, provider, clock } = await started(snap('5', 5, 'A'));
    subscriber.emit(event('5'));
    await clock.flush();
    expect(provider.calls).toHaveLength(1);
  });

  it('gives up on an epoch the authority never serves once its retries are spent', async () => {
    const { subscriber, provider, clock, errors } = await started(snap('5', 5, 'A'), {
      retry: { maxAttempts: 2, initialDelayMs: 10, jitter: 0 },
    });
    subscriber.emit(event('1', { epoch: 'ghost' }));
    for (let i = 0; i < 2; i++) {
      await clock.flush();
      provider.last.resolve(snap('5', 5, 'A'));
      await clock.advance(10);
    }
    expect(provider.calls).toHaveLength(3);
    expect(errors.errors.map((e) => [e.error.code, e.willRetry])).toEqual([
      ['stale_snapshot', true],
      ['stale_snapshot', false],
    ]);
    subscriber.emit(event('5', { epoch: 'A' }));
    await clock.flush();
    expect(provider.calls).toHaveLength(3);
    // One slow pull later re-checks, owing nothing: a lagging provider's genuine announcement
    // would be caught up by it. It answers what is held, and nothing more is fetched or reported.
    await clock.advance(900);
    expect(provider.calls).toHaveLength(3);
    await clock.advance(100);
    expect(provider.calls).toHaveLength(4);
    provider.last.resolve(snap('5', 5, 'A'));
    await clock.runAll();
    expect(provider.calls).toHaveLength(4);
    expect(errors.errors).toHaveLength(2);
  });

  it('a refresh() waiting for an announcement the engine dropped rejects instead of pulling for ever', async () => {
    const { subscriber, provider, clock, handle } = await started(snap('2', 2, 'e1'));
    subscriber.emit(event('18446744073709551615', { epoch: 'e1' }));
    await clock.flush();
    const refreshed = handle.refresh().then(
      () => 'resolved',
      (error: unknown) => (isStateSyncError(error) ? error.code : String(error)),
    );
    // An old epoch answers, so e1 becomes an epoch left and its forged target a dropped hint...
    provider.last.resolve(snap('0', 0, 'e0'));
    await clock.flush();
    // ...and the confirming pulls bring the live e1 back, where the forged target is no more.
    provider.last.resolve(snap('2', 2, 'e1'));
    await clock.flush();
    provider.last.resolve(snap('2', 2, 'e1'));
    await clock.flush();
    const calls = provider.calls.length;
    await clock.runAll();
    expect(provider.calls).toHaveLength(calls);
    expect(await refreshed).toBe('stale_snapshot');
    expect(handle.getLocalRevision()).toBe('2');
    expect(handle.status.getState().epoch).toBe('e1');
  });

  it('re-checks once after dropping an announcement a lagging provider did not serve', async () => {
    const { subscriber, provider, clock, errors, handle } = await started(snap('5', 5, 'A'), {
      retry: { maxAttempts: 2, initialDelayMs: 10, jitter: 0 },
    });
    // The genuine last change of a burst, while the provider still answers the older copy.
    subscriber.emit(event('6', { epoch: 'A' }));
    for (let i = 0; i < 2; i++) {
      await clock.flush();
      provider.last.resolve(snap('5', 5, 'A'));
      await clock.advance(10);
    }
    expect(errors.errors.map((e) => [e.error.code, e.willRetry])).toEqual([
      ['stale_snapshot', true],
      ['stale_snapshot', false],
    ]);
    expect(handle.status.getState().state).toBe('error');
    // No more traffic; the replica has caught up by the time the re-check pulls.
    await clock.advance(1000);
    expect(provider.calls).toHaveLength(4);
    provider.last.resolve(snap('6', 6, 'A'));
    await clock.runAll();
    expect(handle.getLocalRevision()).toBe('6');
    expect(handle.status.getState().state).toBe('synced');
    expect(provider.calls).toHaveLength(4);
  });
});

describe('throttling, retry and timeout', () => {
  it('by default fetches a lone change at once and a whole burst with one more fetch', async () => {
    const clock = createVirtualClock();
    const subscriber = manualSubscriber();
    const provider = instantProvider(snap('5'));
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber,
      provider,
      applier: recordingApplier<Data>().applier,
      timers: clock,
    });
    const starting = handle.start();
    await clock.flush();
    await starting;
    provider.set(snap('6'));
    subscriber.emit(event('6'));
    await clock.flush();
    expect(provider.count).toBe(2);
    for (let r = 7; r <= 10_006; r++) {
      provider.set(snap(String(r)));
      subscriber.emit(event(String(r)));
      if (r % 1000 === 0) await clock.advance(1);
    }
    await clock.advance(200);
    expect(provider.count).toBe(3);
    expect(handle.getLocalRevision()).toBe('10006');
  });

  it('debounces a burst of invalidations into one fetch', async () => {
    const { subscriber, provider, clock } = await started(snap('5'), {
      throttling: { debounceMs: 100 },
    });
    for (let r = 6; r < 16; r++) {
      subscriber.emit(event(String(r)));
      await clock.advance(50);
    }
    expect(provider.calls).toHaveLength(1);
    await clock.advance(100);
    expect(provider.calls).toHaveLength(2);
  });

  it('throttles with a leading fetch', async () => {
    const { subscriber, provider, clock } = await started(snap('5'), {
      throttling: { throttleMs: 1000 },
    });
    subscriber.emit(event('6'));
    await clock.flush();
    expect(provider.calls).toHaveLength(2);
    provider.last.resolve(snap('6'));
    subscriber.emit(event('7'));
    subscriber.emit(event('8'));
    await clock.advance(999);
    expect(provider.calls).toHaveLength(2);
    await clock.advance(1);
    expect(provider.calls).toHaveLength(3);
  });

  it('refresh() is never delayed by throttling', async () => {
    const { handle, provider, clock } = await started(snap('5'), {
      throttling: { debounceMs: 10_000 },
    });
    void handle.refresh();
    await clock.flush();
    expect(provider.calls).toHaveLength(2);
  });

  it('retries with exponential backoff and reports each attempt', async () => {
    const { subscriber, provider, clock, errors, record } = await started(snap('5'), {
      retry: { maxAttempts: 3, initialDelayMs: 200, factor: 2, jitter: 0 },
    });
    subscriber.emit(event('6'));
    await clock.flush();
    provider.last.reject(new Error('one'));
    await clock.flush();
    await clock.advance(199);
    expect(provider.calls).toHaveLength(2);
    await clock.advance(1);
    expect(provider.calls).toHaveLength(3);
    provider.last.reject(new Error('two'));
    await clock.advance(400);
    provider.last.resolve(snap('6'));
    await clock.flush();
    expect(errors.errors.map((e) => [e.attempt, e.willRetry, e.nextDelayMs])).toEqual([
      [1, true, 200],
      [2, true, 400],
    ]);
    expect(record.revisions()).toEqual(['5', '6']);
  });

  it('does not retry a failure a second attempt cannot cure', async () => {
    const { subscriber, provider, clock, errors } = await started(snap('5'), {
      retry: { maxAttempts: 5, initialDelayMs: 1, jitter: 0 },
    });
    subscriber.emit(event('6'));
    await clock.flush();
    provider.last.reject(new StateSyncError('not_cloneable', 'data.fn cannot be cloned'));
    await clock.advance(100);
    expect(provider.calls).toHaveLength(2);
    expect(errors.errors.map((e) => [e.error.code, e.willRetry])).toEqual([
      ['not_cloneable', false],
    ]);
  });

  it('jitter only shortens the delay', async () => {
    const { subscriber, provider, clock, errors } = await started(snap('5'), {
      retry: { maxAttempts: 2, initialDelayMs: 200, jitter: 0.5 },
      random: () => 0.999,
    });
    subscriber.emit(event('6'));
    await clock.flush();
    provider.last.reject(new Error('x'));
    await clock.flush();
    expect(errors.errors[0]?.nextDelayMs).toBe(100);
  });

  it('aborts a hung provider after timeoutMs and moves on', async () => {
    const { subscriber, provider, clock, errors, record } = await started(snap('5'), {
      timeoutMs: 1000,
      retry: { maxAttempts: 2, initialDelayMs: 0, jitter: 0 },
    });
    subscriber.emit(event('6'));
    await clock.flush();
    const hung = provider.last;
    await clock.advance(1000);
    expect(hung.request.signal.aborted).toBe(true);
    expect(isStateSyncError(hung.request.signal.reason, 'timeout')).toBe(true);
    expect(errors.codes()).toEqual(['snapshot:timeout']);
    await clock.flush();
    provider.last.resolve(snap('6'));
    hung.resolve(snap('99'));
    await clock.flush();
    expect(record.revisions()).toEqual(['5', '6']);
  });

  it('accepts timeoutMs: Infinity and refuses values platform timers cannot hold', async () => {
    const { provider, clock, record } = await started(snap('5'), {
      timeoutMs: Number.POSITIVE_INFINITY,
    });
    expect(clock.pendingCount()).toBe(0);
    expect(provider.calls).toHaveLength(1);
    expect(record.revisions()).toEqual(['5']);
    expect(() => setup({ timeoutMs: 2 ** 31 })).toThrowError(
      expect.objectContaining({ code: 'invalid_option' }),
    );
    expect(() => setup({ timeoutMs: 0 })).toThrowError(
      expect.objectContaining({ code: 'invalid_option' }),
    );
  });

  it('reports an applier failure in the apply phase whatever its code', async () => {
    const { subscriber, provider, clock, record, errors } = await started(snap('5'), {
      retry: false,
    });
    record.applier.apply = () => {
      throw new StateSyncError('storage', 'quota exceeded');
    };
    subscriber.emit(event('6'));
    await clock.flush();
    provider.last.resolve(snap('6'));
    await clock.flush();
    expect(errors.codes()).toEqual(['apply:storage']);
  });

  it('keeps syncing when onError throws', async () => {
    const { subscriber, provider, clock, record } = await started(snap('5'), {
      retry: false,
      onError: () => {
        throw new Error('bad handler');
      },
    });
    subscriber.emit(event('6'));
    await clock.flush();
    provider.last.reject(new Error('x'));
    await clock.flush();
    subscriber.emit(event('7'));
    await clock.flush();
    provider.last.resolve(snap('7'));
    await clock.flush();
    expect(record.revisions()).toEqual(['5', '7']);
  });
});

describe('lifecycle', () => {
  it('applies nothing after stop() resolves, even if the provider answers later', async () => {
    const { subscriber, provider, clock, record, handle } = await started(snap('5'));
    subscriber.emit(event('6'));
    await clock.flush();
    const pending = provider.last;
    await handle.stop();
    expect(pending.request.signal.aborted).toBe(true);
    pending.resolve(snap('6'));
    subscriber.emit(event('7'));
    await clock.runAll();
    expect(record.revisions()).toEqual(['5']);
    expect(subscriber.active).toBe(false);
  });

  it('stop() waits for an apply in progress', async () => {
    const clock = createVirtualClock();
    const order: string[] = [];
    let release!: () => void;
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber: manualSubscriber(),
      provider: instantProvider(snap('1')),
      applier: {
        apply: () =>
          new Promise<void>((resolve) => {
            order.push('apply started');
            release = () => {
              order.push('apply finished');
              resolve();
            };
          }),
      },
      timers: clock,
    });
    void handle.start();
    await clock.flush();
    const stopping = handle.stop().then(() => order.push('stopped'));
    await clock.flush();
    release();
    await stopping;
    expect(order).toEqual(['apply started', 'apply finished', 'stopped']);
  });

  it('rejects pending refreshes with a stopped error, and refresh after stop', async () => {
    const { handle, clock } = await started(snap('5'));
    const pending = handle.refresh().catch((error: unknown) => error);
    await clock.flush();
    await handle.stop();
    expect(isStateSyncError(await pending, 'stopped')).toBe(true);
    await expect(handle.refresh()).rejects.toMatchObject({ code: 'stopped' });
    await expect(handle.stop()).resolves.toBeUndefined();
  });

  it('unsubscribes when stopped before an async subscribe resolved', async () => {
    let unsubscribed = false;
    let resolveSubscribe!: (off: () => void) => void;
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber: {
        subscribe: () =>
          new Promise((resolve) => {
            resolveSubscribe = resolve;
          }),
      },
      provider: instantProvider(snap('1')),
      applier: recordingApplier<Data>().applier,
    });
    const starting = handle.start();
    await handle.stop();
    resolveSubscribe(() => {
      unsubscribed = true;
    });
    await starting;
    expect(unsubscribed).toBe(true);
  });

  it('start() rejects with subscribe_failed when the subscriber fails', async () => {
    const errors = errorCollector();
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber: {
        subscribe: () => Promise.reject(new Error('no IPC')),
      },
      provider: instantProvider(snap('1')),
      applier: recordingApplier<Data>().applier,
      onError: errors.onError,
    });
    await expect(handle.start()).rejects.toMatchObject({ code: 'subscribe_failed' });
    expect(errors.codes()).toEqual(['subscribe:subscribe_failed']);
    expect(handle.status.getState().state).toBe('error');
  });

  it('start() is idempotent', async () => {
    const { handle, subscriber, provider, clock } = setup();
    const a = handle.start();
    const b = handle.start();
    expect(a).toBe(b);
    await clock.flush();
    provider.last.resolve(snap('1'));
    await a;
    expect(subscriber.subscriptions).toBe(1);
  });

  it('repairs with the next snapshot when apply throws', async () => {
    const { subscriber, provider, clock, record, errors, handle } = await started(snap('5'), {
      retry: false,
    });
    const apply = record.applier.apply;
    record.applier.apply = () => {
      throw new Error('store not ready');
    };
    subscriber.emit(event('6'));
    await clock.flush();
    provider.last.resolve(snap('6'));
    await clock.flush();
    expect(errors.codes()).toEqual(['apply:apply_failed']);
    expect(handle.getLocalRevision()).toBe('5');
    record.applier.apply = apply;
    subscriber.emit(event('6'));
    await clock.flush();
    provider.last.resolve(snap('6'));
    await clock.flush();
    expect(record.revisions()).toEqual(['5', '6']);
  });
});

describe('status', () => {
  it('moves idle → syncing → synced → error and tracks revision, epoch and time', async () => {
    const { handle, subscriber, provider, clock } = setup({ retry: false });
    const states: SyncStatus[] = [];
    handle.status.subscribe((s) => states.push(s));
    expect(handle.status.getState().state).toBe('idle');
    await clock.advance(1000);
    const starting = handle.start();
    await clock.flush();
    provider.last.resolve(snap('5', 5, 'E1'));
    await starting;
    expect(handle.status.getState()).toMatchObject({
      state: 'synced',
      localRevision: '5',
      epoch: 'E1',
      lastAppliedAt: 1000,
      lastError: undefined,
    });
    subscriber.emit(event('6'));
    await clock.flush();
    provider.last.reject(new Error('down'));
    await clock.flush();
    const last = handle.status.getState();
    expect(last.state).toBe('error');
    expect(last.lastError?.code).toBe('snapshot_failed');
    expect(states.map((s) => s.state)).toContain('syncing');
    await handle.stop();
    expect(handle.status.getState().state).toBe('idle');
  });
});

describe('status after recovery', () => {
  it('returns to synced when a delta brings state up to date after a failed fetch', async () => {
    const { handle, subscriber, provider, clock } = await started(
      snap('5'),
      { retry: false },
      true,
    );
    subscriber.emit(event('6'));
    await clock.flush();
    provider.last.reject(new Error('down'));
    await clock.flush();
    expect(handle.status.getState().state).toBe('error');
    subscriber.emit(event('6', { delta: { base: '5', ops: [] } }));
    await clock.flush();
    expect(handle.getLocalRevision()).toBe('6');
    expect(handle.status.getState().state).toBe('synced');
  });
});

describe('logging', () => {
  it('prints the lines of the multi-window debugging guide', async () => {
    const lines: string[] = [];
    const sink = (line: string) => lines.push(line);
    const logger = tagLogger(
      createConsoleLogger({
        debug: true,
        console: { debug: sink, info: sink, warn: sink, error: sink },
      }),
      { windowId: 'main' },
    );
    await started(snap('5'), { logger });
    expect(lines).toEqual([
      '[debug] [windowId=main] subscribed',
      '[debug] [windowId=main] snapshot applied { revision: "5" }',
    ]);
  });
});
