// Every wait of the engine on user code is bounded: a subscriber, applier or hydrate that never
// settles is reported as `timeout`, and start() and stop() always settle.
import { describe, expect, it } from 'vitest';
import { createRevisionSync, type SnapshotEnvelope } from '../src/index.js';
import { createVirtualClock } from '../src/virtual-clock.js';
import { errorCollector, instantProvider, manualSubscriber } from './fixtures.js';

type Data = { value: number };
const snap = (revision: string): SnapshotEnvelope<Data> => ({
  revision,
  data: { value: Number(revision) },
});
const never = <T>() => new Promise<T>(() => {});

describe('waits on user code', () => {
  it('start() rejects with timeout when subscribe() never settles, and may be called again', async () => {
    const clock = createVirtualClock();
    const errors = errorCollector();
    let hang = true;
    const subscriber = manualSubscriber();
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber: {
        subscribe: (handler) => (hang ? never() : subscriber.subscribe(handler)),
      },
      provider: instantProvider(snap('1')),
      applier: { apply: () => {} },
      onError: errors.onError,
      timers: clock,
      timeoutMs: 1000,
    });
    const starting = handle.start().catch((error: unknown) => error);
    await clock.advance(1000);
    expect(await starting).toMatchObject({ code: 'timeout' });
    expect(errors.codes()).toEqual(['subscribe:timeout']);
    hang = false;
    await handle.start();
    expect(handle.getLocalRevision()).toBe('1');
    await handle.stop();
  });

  it('the default limit bounds a subscribe() that never settles (30 s), reported as timeout', async () => {
    const clock = createVirtualClock();
    const errors = errorCollector();
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber: { subscribe: () => never() },
      provider: instantProvider(snap('1')),
      applier: { apply: () => {} },
      onError: errors.onError,
      timers: clock,
    });
    const starting = handle.start().catch((error: unknown) => error);
    await clock.advance(29_999);
    expect(errors.codes()).toEqual([]);
    await clock.advance(1);
    expect(await starting).toMatchObject({ code: 'timeout' });
    expect(errors.codes()).toEqual(['subscribe:timeout']);
    await handle.stop();
  });

  it('stop() settles start() while subscribe() hangs, and ends a subscription that comes late', async () => {
    const clock = createVirtualClock();
    let arrive!: (off: () => void) => void;
    let ended = 0;
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber: {
        subscribe: () =>
          new Promise((resolve) => {
            arrive = resolve;
          }),
      },
      provider: instantProvider(snap('1')),
      applier: { apply: () => {} },
      timers: clock,
      timeoutMs: Number.POSITIVE_INFINITY,
    });
    let startSettled = false;
    const starting = handle.start().then(() => {
      startSettled = true;
    });
    await clock.flush();
    await handle.stop();
    await starting;
    expect(startSettled).toBe(true);
    arrive(() => ended++);
    await clock.flush();
    expect(ended).toBe(1);
  });

  it('stop() settles when apply() never does', async () => {
    const clock = createVirtualClock();
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber: manualSubscriber(),
      provider: instantProvider(snap('1')),
      applier: { apply: () => never() },
      timers: clock,
      retry: false,
      applyTimeoutMs: 500,
    });
    void handle.start().catch(() => {});
    await clock.flush();
    let stopped = false;
    const stopping = handle.stop().then(() => {
      stopped = true;
    });
    await clock.advance(500);
    await stopping;
    expect(stopped).toBe(true);
    expect(handle.getLocalRevision()).toBeUndefined();
  });

  it('a hung apply() does not hold later snapshots: it times out and the next one applies', async () => {
    const clock = createVirtualClock();
    const errors = errorCollector();
    const subscriber = manualSubscriber();
    const provider = instantProvider(snap('1'));
    const applied: string[] = [];
    let calls = 0;
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber,
      provider,
      applier: {
        apply: (snapshot) => {
          calls++;
          if (calls === 1) return never();
          applied.push(snapshot.revision);
          return Promise.resolve();
        },
      },
      onError: errors.onError,
      timers: clock,
      retry: false,
      throttling: {},
      applyTimeoutMs: 500,
    });
    void handle.start();
    await clock.advance(500);
    expect(errors.codes()).toEqual(['apply:timeout']);
    provider.set(snap('2'));
    subscriber.emit({ topic: 'settings', revision: '2' });
    await clock.advance(10);
    expect(applied).toEqual(['2']);
    expect(handle.getLocalRevision()).toBe('2');
    await handle.stop();
  });

  it('a hung hydrate() is reported as timeout and the engine goes on to pull', async () => {
    const clock = createVirtualClock();
    const errors = errorCollector();
    const applied: string[] = [];
    const handle = createRevisionSync<Data>({
      topic: 'settings',
      subscriber: manualSubscriber(),
      provider: instantProvider(snap('3')),
      applier: { apply: (s) => void applied.push(s.revision), hydrate: () => never() },
      onError: errors.onError,
      timers: clock,
      applyTimeoutMs: 500,
    });
    const starting = handle.start();
    await clock.advance(500);
    await starting;
    expect(errors.codes()).toEqual(['start:timeout']);
    expect(applied).toEqual(['3']);
    await handle.stop();
  });

  it('only an applier that returns a promise gets the applyTimeoutMs deadline', async () => {
    const APPLY_LIMIT = 4321;
    for (const kind of ['sync', 'promise'] as const) {
      const clock = createVirtualClock();
      const subscriber = manualSubscriber();
      const provider = instantProvider(snap('1'));
      let deadlines = 0;
      const applied: string[] = [];
      const handle = createRevisionSync<Data>({
        topic: 'settings',
        subscriber,
        provider,
        applier: {
          apply(snapshot) {
            applied.push(snapshot.revision);
            return kind === 'promise' ? Promise.resolve() : undefined;
          },
          applyPatch() {
            return kind === 'promise' ? Promise.resolve() : undefined;
          },
        },
        timers: {
          ...clock,
          setTimeout(callback, ms) {
            if (ms === APPLY_LIMIT) deadlines++;
            return clock.setTimeout(callback, ms);
          },
        },
        throttling: {},
        resyncOnResume: false,
        applyTimeoutMs: APPLY_LIMIT,
      });
      const starting = handle.start();
      await clock.runAll();
      await starting;
      provider.set(snap('2'));
      subscriber.emit({ topic: 'settings', revision: '2' });
      await clock.runAll();
      subscriber.emit({ topic: 'settings', revision: '3', delta: { base: '2', ops: [] } });
      await clock.runAll();
      expect(applied, kind).toEqual(['1', '2']);
      expect(handle.getLocalRevision(), kind).toBe('3');
      // A synchronous apply has finished when it returns: no timer for it. Each promise gets one.
      expect(deadlines, kind).toBe(kind === 'sync' ? 0 : 3);
      await handle.stop();
    }
  });

  it('refuses an applyTimeoutMs platform timers cannot hold', () => {
    for (const applyTimeoutMs of [0, -1, 2 ** 31]) {
      expect(() =>
        createRevisionSync<Data>({
          topic: 'settings',
          subscriber: manualSubscriber(),
          provider: instantProvider(snap('1')),
          applier: { apply: () => {} },
          applyTimeoutMs,
        }),
      ).toThrow(expect.objectContaining({ code: 'invalid_option' }));
    }
  });
});
