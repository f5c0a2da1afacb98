import { describe, expect, it } from 'vitest';
import { createAuthority, type InvalidationEvent, isStateSyncError } from '../src/index.js';
import { errorLogger } from './fixtures.js';

type Doc = { title: string; tags: string[]; meta: { n: number } };
const initial = (): Doc => ({ title: 't', tags: ['a'], meta: { n: 1 } });

function setup(overrides: Partial<Parameters<typeof createAuthority<Doc>>[0]> = {}) {
  let time = 1000;
  const authority = createAuthority<Doc>({
    topic: 'doc',
    data: initial(),
    epoch: 'e1',
    now: () => time,
    ...overrides,
  });
  const events: InvalidationEvent[] = [];
  const off = authority.subscribe((event) => events.push(event));
  return {
    authority,
    events,
    off,
    tick: (ms: number) => {
      time += ms;
    },
  };
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('createAuthority', () => {
  it('starts at revision "0" with the given data and epoch', () => {
    const { authority, events } = setup();
    expect(authority.topic).toBe('doc');
    expect(authority.getSnapshot()).toEqual({ revision: '0', epoch: 'e1', data: initial() });
    expect(authority.getRevision()).toBe('0');
    expect(authority.getEpoch()).toBe('e1');
    expect(events).toEqual([]);
  });

  it('makes up a non-empty epoch when none is given, different per authority', () => {
    const a = createAuthority({ topic: 'x', data: 1 });
    const b = createAuthority({ topic: 'x', data: 1 });
    expect(a.getEpoch()).toMatch(/^.+$/);
    expect(a.getEpoch()).not.toBe(b.getEpoch());
  });

  it.each([
    ['an empty topic', { topic: '  ' }, 'invalid_option'],
    ['a non-canonical revision', { revision: '007' }, 'protocol'],
    ['an empty epoch', { epoch: '' }, 'invalid_option'],
    ['a numeric epoch', { epoch: 7 as unknown as string }, 'invalid_option'],
  ])('refuses %s', (_label, options, code) => {
    const error = thrownBy(() => createAuthority({ topic: 'doc', data: 1, ...options }));
    expect(isStateSyncError(error, code as 'protocol')).toBe(true);
  });

  it('bumps the revision as a decimal number, "9" then "10"', () => {
    const { authority, events } = setup({ revision: '9' });
    authority.set({ ...initial(), title: 'u' });
    expect(authority.getRevision()).toBe('10');
    authority.update((doc) => ({ ...doc, title: 'v' }));
    expect(authority.getRevision()).toBe('11');
    expect(events.map((e) => e.revision)).toEqual(['10', '11']);
    expect(authority.getData().title).toBe('v');
  });

  it('set publishes an event with topic, revision, epoch and the clock’s timestamp', () => {
    const { authority, events, tick } = setup();
    tick(5);
    const returned = authority.set(initial());
    expect(events).toEqual([{ topic: 'doc', revision: '1', epoch: 'e1', timestampMs: 1005 }]);
    expect(returned).toBe(events[0]);
  });

  it('copies sourceId to the event, and ops to its delta', () => {
    const { authority, events } = setup();
    authority.set(initial(), { sourceId: 'window-a' });
    const ops = [{ op: 'replace' as const, path: ['title'], value: 't' }];
    authority.update((doc) => doc, { sourceId: 'window-b', ops });
    expect(events[0]?.sourceId).toBe('window-a');
    expect(events[0]).not.toHaveProperty('delta');
    expect(events[1]).toMatchObject({ sourceId: 'window-b', delta: { base: '1', ops } });
  });

  it('patch applies the ops, publishes them as a delta on the previous revision', () => {
    const { authority, events } = setup({ revision: '41' });
    const before = authority.getData();
    const ops = [
      { op: 'replace' as const, path: ['meta', 'n'], value: 2 },
      { op: 'add' as const, path: ['tags', '-'], value: 'b' },
    ];
    authority.patch(ops, { sourceId: 'w' });
    expect(authority.getData()).toEqual({ title: 't', tags: ['a', 'b'], meta: { n: 2 } });
    expect(events).toEqual([
      {
        topic: 'doc',
        revision: '42',
        epoch: 'e1',
        timestampMs: 1000,
        sourceId: 'w',
        delta: { base: '41', ops },
      },
    ]);
    // The previous data object is untouched: it may still be held by clients.
    expect(before).toEqual(initial());
    expect(authority.getData()).not.toBe(before);
  });

  it('changes nothing and publishes nothing when a patch does not apply', () => {
    const { authority, events } = setup();
    const before = authority.getSnapshot();
    const error = thrownBy(() => authority.patch([{ op: 'remove', path: ['missing'] }]));
    expect(isStateSyncError(error, 'protocol')).toBe(true);
    expect(authority.getSnapshot()).toEqual(before);
    expect(events).toEqual([]);
  });

  it('changes nothing when the revision cannot grow past 2^64-1', () => {
    const max = '18446744073709551615';
    const { authority, events } = setup({ revision: max });
    const error = thrownBy(() => authority.set({ ...initial(), title: 'lost?' }));
    expect(isStateSyncError(error, 'protocol')).toBe(true);
    expect(authority.getRevision()).toBe(max);
    expect(authority.getData().title).toBe('t');
    expect(events).toEqual([]);
  });

  it('publish re-announces the current revision without a delta or sourceId', () => {
    const { authority, events, tick } = setup();
    authority.patch([{ op: 'replace', path: ['title'], value: 'x' }], { sourceId: 'w' });
    tick(10);
    authority.publish();
    expect(authority.getRevision()).toBe('1');
    expect(events[1]).toEqual({ topic: 'doc', revision: '1', epoch: 'e1', timestampMs: 1010 });
  });

  it('serves snapshots through its provider', async () => {
    const { authority } = setup();
    authority.set({ ...initial(), title: 'served' });
    const snapshot = await authority.provider.getSnapshot({
      topic: 'doc',
      signal: new AbortController().signal,
    });
    expect(snapshot).toEqual({
      revision: '1',
      epoch: 'e1',
      data: { ...initial(), title: 'served' },
    });
  });

  describe('restart', () => {
    it('starts a new epoch with the counter back at "0" and publishes', () => {
      const { authority, events } = setup({ revision: '30' });
      authority.restart();
      expect(authority.getRevision()).toBe('0');
      expect(authority.getEpoch()).not.toBe('e1');
      expect(authority.getEpoch()).not.toBe('');
      expect(events).toEqual([
        { topic: 'doc', revision: '0', epoch: authority.getEpoch(), timestampMs: 1000 },
      ]);
      expect(authority.getData()).toEqual(initial());
    });

    it('takes the new data, revision and epoch it is given', () => {
      const { authority } = setup({ revision: '30' });
      authority.restart({ data: { ...initial(), title: 'fresh' }, revision: '3', epoch: 'e2' });
      expect(authority.getSnapshot()).toEqual({
        revision: '3',
        epoch: 'e2',
        data: { ...initial(), title: 'fresh' },
      });
    });

    it('gives a new epoch on every restart', () => {
      const { authority } = setup();
      const epochs = new Set([authority.getEpoch()]);
      for (let i = 0; i < 5; i++) {
        authority.restart();
        epochs.add(authority.getEpoch());
      }
      expect(epochs.size).toBe(6);
    });

    it.each([
      ['the current epoch', { epoch: 'e1' }, 'invalid_option'],
      ['an empty epoch', { epoch: '' }, 'invalid_option'],
      ['a bad revision', { revision: '-1' }, 'protocol'],
    ])('refuses %s and changes nothing', (_label, options, code) => {
      const { authority, events } = setup({ revision: '7' });
      const before = authority.getSnapshot();
      const error = thrownBy(() =>
        authority.restart({ data: { ...initial(), title: 'half-applied?' }, ...options }),
      );
      expect(isStateSyncError(error, code as 'protocol')).toBe(true);
      expect(authority.getSnapshot()).toEqual(before);
      expect(events).toEqual([]);
    });
  });

  describe('listeners', () => {
    it('keeps notifying the others when one throws, and logs it', () => {
      const { logger, errors } = errorLogger();
      const { authority, events } = setup({ logger });
      const bug = new Error('listener bug');
      authority.subscribe(() => {
        throw bug;
      });
      const later: InvalidationEvent[] = [];
      authority.subscribe((event) => later.push(event));
      expect(() => authority.set(initial())).not.toThrow();
      expect(events).toHaveLength(1);
      expect(later).toHaveLength(1);
      expect(errors).toEqual([
        { message: 'invalidation listener threw', topic: 'doc', error: bug },
      ]);
    });

    it('subscribe returns an unsubscribe that stops delivery and is idempotent', () => {
      const { authority, events, off } = setup();
      const other: InvalidationEvent[] = [];
      const offOther = authority.subscribe((event) => other.push(event));
      authority.set(initial());
      off();
      off();
      authority.set(initial());
      expect(events.map((e) => e.revision)).toEqual(['1']);
      expect(other.map((e) => e.revision)).toEqual(['1', '2']);
      offOther();
      authority.publish();
      expect(other).toHaveLength(2);
    });
  });
});
