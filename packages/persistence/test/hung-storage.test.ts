// Every wait of the persistence applier on user code is bounded by `timeoutMs`: a storage that
// never settles is reported as `timeout`, and hydration, applies, clear() and dispose() go on.
import { createAuthority, createRevisionSync, type StateSyncError } from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { describe, expect, it } from 'vitest';
import {
  createMemoryBackend,
  createPersistenceApplier,
  type MemoryFaults,
  type PersistenceErrorContext,
} from '../src/index.js';

type Settings = { theme: string };
const record = (revision: string, savedAt: number) => ({
  meta: { revision, schemaVersion: 1, savedAt },
  data: { theme: `t${revision}` },
});

function setup(faults: MemoryFaults, initial?: ReturnType<typeof record>) {
  const clock = createVirtualClock(1_000);
  const storage = createMemoryBackend<Settings>({
    timers: clock,
    faults,
    ...(initial && { initial }),
  });
  const applied: string[] = [];
  const errors: { error: StateSyncError; context: PersistenceErrorContext }[] = [];
  const applier = createPersistenceApplier<Settings>({
    storage,
    applier: { apply: (snapshot) => void applied.push(snapshot.revision) },
    timers: clock,
    timeoutMs: 100,
    onPersistenceError: (error, context) => errors.push({ error, context }),
  });
  const failures = () => errors.map((e) => `${e.context.operation}:${e.error.code}`);
  return { clock, storage, applier, applied, failures };
}

/** Settles `promise` while the clock moves in steps; bounded in steps. */
async function settleWith<T>(clock: ReturnType<typeof createVirtualClock>, work: T | Promise<T>) {
  const promise = Promise.resolve(work);
  let done = false;
  const result = promise.finally(() => {
    done = true;
  });
  for (let step = 0; step < 50 && !done; step++) await clock.advance(50);
  expect(done).toBe(true);
  return result;
}

describe('a storage that never settles', () => {
  it('load(): hydration gives up with timeout, and the engine applies the authority snapshot', async () => {
    const { clock, applier, applied, failures } = setup({ hang: ['load'] });
    const authority = createAuthority<Settings>({ topic: 'settings', data: { theme: 'dark' } });
    authority.set({ theme: 'light' });
    const sync = createRevisionSync<Settings>({
      topic: 'settings',
      subscriber: authority,
      provider: authority.provider,
      applier,
      timers: clock,
      resyncOnResume: false,
    });
    await settleWith(clock, sync.start());
    expect(failures()).toEqual(['load:timeout']);
    expect(applied).toEqual(['1']);
    await settleWith(clock, sync.stop());
    await settleWith(clock, applier.dispose());
  });

  it('save(): later applies, clear() and dispose() do not wait for ever', async () => {
    const { clock, storage, applier, applied, failures } = setup({ hang: ['save'] });
    await applier.apply({ revision: '1', data: { theme: 'a' } });
    await settleWith(clock, applier.apply({ revision: '2', data: { theme: 'b' } }));
    await settleWith(clock, applier.clear());
    expect(storage.peek()).toBeUndefined();
    expect(failures()).toContain('save:timeout');
    expect(applier.getStats().saveErrors).toBeGreaterThan(0);
    storage.setFaults({});
    await settleWith(clock, applier.apply({ revision: '3', data: { theme: 'c' } }));
    await settleWith(clock, applier.flush());
    expect(storage.peek()?.meta.revision).toBe('3');
    storage.setFaults({ hang: ['save'] });
    await applier.apply({ revision: '4', data: { theme: 'd' } });
    const timeoutsBefore = failures().filter((f) => f === 'save:timeout').length;
    await settleWith(clock, applier.dispose());
    // dispose() flushed revision 4 into the hung save, gave up on it and said so.
    expect(failures().filter((f) => f === 'save:timeout').length).toBe(timeoutsBefore + 1);
    expect(storage.peek()?.meta.revision).toBe('3');
    expect(applied).toEqual(['1', '2', '3', '4']);
  });

  it('clear(): rejects with timeout instead of hanging', async () => {
    const { clock, applier, failures } = setup({ hang: ['clear'] });
    const cleared = applier.clear().catch((error: unknown) => error);
    expect(await settleWith(clock, cleared)).toMatchObject({ code: 'timeout' });
    expect(failures()).toEqual(['clear:timeout']);
  });
});

describe('a stored copy saved in the future', () => {
  it('is reported as corrupt and not hydrated, TTL or not', async () => {
    for (const ttlMs of [undefined, 60_000]) {
      const clock = createVirtualClock(1_000);
      const errors: StateSyncError[] = [];
      const applied: string[] = [];
      const applier = createPersistenceApplier<Settings>({
        storage: createMemoryBackend<Settings>({ timers: clock, initial: record('7', 5_000) }),
        applier: { apply: (snapshot) => void applied.push(snapshot.revision) },
        timers: clock,
        ...(ttlMs !== undefined && { ttlMs }),
        onPersistenceError: (error) => errors.push(error),
      });
      const hydrating = applier.hydrate();
      await clock.runAll();
      expect(await hydrating).toBeUndefined();
      expect(applied).toEqual([]);
      expect(errors.map((e) => `${e.code}:${e.reason}`)).toEqual(['storage:corrupt']);
    }
  });

  it('one saved now is hydrated', async () => {
    const clock = createVirtualClock(1_000);
    const applier = createPersistenceApplier<Settings>({
      storage: createMemoryBackend<Settings>({ timers: clock, initial: record('7', 1_000) }),
      applier: { apply: () => {} },
      timers: clock,
      ttlMs: 60_000,
    });
    const hydrating = applier.hydrate();
    await clock.runAll();
    expect(await hydrating).toEqual({ revision: '7' });
  });
});

describe('timeoutMs', () => {
  it('refuses values platform timers cannot hold', () => {
    for (const timeoutMs of [0, -5, 2 ** 31, Number.NaN]) {
      expect(() =>
        createPersistenceApplier<Settings>({
          storage: createMemoryBackend<Settings>(),
          applier: { apply: () => {} },
          timeoutMs,
        }),
      ).toThrow(expect.objectContaining({ code: 'invalid_option' }));
    }
  });
});
