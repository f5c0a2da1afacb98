// What a hostile peer or a lagging authority sends must not corrupt or stall a copy.
import { describe, expect, it } from 'vitest';
import { createRevisionSync, type RevisionStamp, type SnapshotEnvelope } from '../src/index.js';
import { createVirtualClock } from '../src/virtual-clock.js';
import {
  errorCollector,
  instantProvider,
  manualProvider,
  manualSubscriber,
  recordingApplier,
} from './fixtures.js';

type Data = { value: number };
const snap = (revision: string, epoch?: string): SnapshotEnvelope<Data> =>
  epoch === undefined
    ? { revision, data: { value: Number(revision) } }
    : { revision, epoch, data: { value: Number(revision) } };
const MAX = '18446744073709551615';

async function started(first: SnapshotEnvelope<Data>) {
  const clock = createVirtualClock();
  const subscriber = manualSubscriber();
  const provider = instantProvider<Data>(first);
  const record = recordingApplier<Data>();
  const errors = errorCollector();
  const handle = createRevisionSync<Data>({
    topic: 'settings',
    subscriber,
    provider,
    applier: record.applier,
    onError: errors.onError,
    timers: clock,
    random: () => 0,
    throttling: {},
    retry: { maxAttempts: 3, initialDelayMs: 10, jitter: 0 },
    resyncOnResume: false,
  });
  const starting = handle.start();
  await clock.runAll();
  await starting;
  return { clock, subscriber, provider, record, errors, handle };
}

describe('a forged invalidation at the largest revision', () => {
  for (const epoch of [undefined, 'A']) {
    it(`is dropped after the bounded retries and reported once (${epoch ? 'same epoch' : 'no epoch'})`, async () => {
      const { clock, subscriber, provider, record, errors, handle } = await started(
        snap('5', epoch),
      );
      subscriber.emit({ topic: 'settings', revision: MAX, ...(epoch && { epoch }) });
      await clock.runAll();
      const final = errors.errors.filter((e) => e.error.code === 'stale_snapshot' && !e.willRetry);
      expect(final).toHaveLength(1);
      const reportsAfterDrop = errors.errors.length;
      // The topic is not poisoned: the next real change applies, refresh() resolves.
      provider.set(snap('6', epoch));
      subscriber.emit({ topic: 'settings', revision: '6', ...(epoch && { epoch }) });
      await clock.runAll();
      expect(handle.getLocalRevision()).toBe('6');
      const refreshing = handle.refresh();
      await clock.runAll();
      await expect(refreshing).resolves.toBeUndefined();
      expect(errors.errors).toHaveLength(reportsAfterDrop);
      expect(record.applied.map((s) => s.revision)).toEqual(['5', '6']);
      expect(handle.status.getState().state).toBe('synced');
      await handle.stop();
    });
  }
});

describe('a snapshot without data', () => {
  it('is a protocol error and nothing is applied', async () => {
    const { clock, subscriber, provider, record, errors, handle } = await started(snap('5'));
    provider.set({ revision: '6', data: undefined } as unknown as SnapshotEnvelope<Data>);
    subscriber.emit({ topic: 'settings', revision: '6' });
    await clock.runAll();
    expect(errors.codes()).toContain('protocol:protocol');
    expect(record.applied.map((s) => s.revision)).toEqual(['5']);
    expect(handle.getLocalRevision()).toBe('5');
    await handle.stop();
  });
});

describe('an authority that answers older revisions than held (a lagging replica)', () => {
  it('is reported as stale_snapshot once per episode, and the newer copy is kept', async () => {
    const { clock, provider, record, errors, handle } = await started(snap('10'));
    provider.set(snap('8'));
    for (let i = 0; i < 3; i++) {
      const refreshing = handle.refresh();
      await clock.runAll();
      await refreshing;
    }
    expect(errors.codes()).toEqual(['snapshot:stale_snapshot']);
    expect(errors.errors[0]?.snapshotRevision).toBe('8');
    expect(handle.getLocalRevision()).toBe('10');
    // The replica catches up: the episode ends; a later lag is a new episode.
    provider.set(snap('10'));
    await handle.refresh();
    provider.set(snap('9'));
    const again = handle.refresh();
    await clock.runAll();
    await again;
    expect(errors.codes()).toEqual(['snapshot:stale_snapshot', 'snapshot:stale_snapshot']);
    expect(record.applied.map((s) => s.revision)).toEqual(['10']);
    await handle.stop();
  });
});

// The lag rule: an answer counts against what was held when the pull was asked. Held state that
// moved on while the pull was out (a delta, a sibling tab's copy) only raced the answer.
describe('a pull overtaken while it was out', () => {
  async function racing() {
    const clock = createVirtualClock();
    const subscriber = manualSubscriber();
    const provider = manualProvider<Data>();
    const record = recordingApplier<Data>({ patches: true });
    const errors = errorCollector();
    let sibling: ((stamp: RevisionStamp) => void) | undefined;
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber,
      provider,
      applier: {
        ...record.applier,
        watchRevision(listener) {
          sibling = listener;
          return () => {
            sibling = undefined;
          };
        },
      },
      onError: errors.onError,
      timers: clock,
      throttling: {},
      resyncOnResume: false,
    });
    const starting = handle.start();
    await clock.flush();
    provider.last.resolve(snap('5'));
    await starting;
    // A pull goes out while 5 is held, and the authority answers 5, current when it was asked.
    const refreshing = handle.refresh();
    await clock.flush();
    const answer = provider.last;
    return {
      clock,
      subscriber,
      record,
      errors,
      handle,
      refreshing,
      answer,
      sibling: () => sibling,
    };
  }

  it('by a delta is no lag: nothing reported, the newer copy kept', async () => {
    const { clock, subscriber, record, errors, handle, refreshing, answer } = await racing();
    subscriber.emit({
      topic: 'settings',
      revision: '6',
      delta: { base: '5', ops: [{ op: 'replace', path: ['value'], value: 6 }] },
    });
    expect(record.patched.map((p) => p.revision)).toEqual(['6']);
    answer.resolve(snap('5'));
    await clock.runAll();
    await refreshing;
    expect(errors.codes()).toEqual([]);
    expect(handle.getLocalRevision()).toBe('6');
    expect(record.revisions()).toEqual(['5']);
    await handle.stop();
  });

  it("by a sibling's copy is no lag: nothing reported, the newer copy kept", async () => {
    const { clock, errors, handle, refreshing, answer, sibling } = await racing();
    sibling()?.({ revision: '7' });
    expect(handle.getLocalRevision()).toBe('7');
    answer.resolve(snap('5'));
    await clock.runAll();
    await refreshing;
    expect(errors.codes()).toEqual([]);
    expect(handle.getLocalRevision()).toBe('7');
    await handle.stop();
  });

  it('but an answer older than what was held when asked is a lag, reported once', async () => {
    const { clock, subscriber, errors, handle, refreshing, answer } = await racing();
    subscriber.emit({
      topic: 'settings',
      revision: '6',
      delta: { base: '5', ops: [{ op: 'replace', path: ['value'], value: 6 }] },
    });
    answer.resolve(snap('4'));
    await clock.runAll();
    await refreshing;
    expect(errors.codes()).toEqual(['snapshot:stale_snapshot']);
    expect(errors.errors[0]?.snapshotRevision).toBe('4');
    expect(handle.getLocalRevision()).toBe('6');
    await handle.stop();
  });
});
