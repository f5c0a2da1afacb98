import {
  createAuthority,
  createMemoryHub,
  createRevisionSync,
  type PatchEnvelope,
  randomId,
  type SnapshotApplier,
  type SnapshotEnvelope,
  type StateSyncError,
} from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import { describe, expect, it } from 'vitest';
import {
  createMemoryBackend,
  createPersistenceApplier,
  type MemoryBackend,
  type PersistedRecord,
  type PersistenceApplierOptions,
  type PersistenceErrorContext,
  type PersistenceEvent,
  type StorageBackend,
} from '../src/index.js';

type Settings = { theme: string; size: number };
const snap = (revision: string, theme = `t${revision}`, epoch?: string) => {
  const snapshot: SnapshotEnvelope<Settings> = { revision, data: { theme, size: 12 } };
  if (epoch !== undefined) snapshot.epoch = epoch;
  return snapshot;
};
const record = (revision: string, extra: Partial<PersistedRecord['meta']> = {}) => ({
  meta: { revision, schemaVersion: 1, savedAt: 0, ...extra },
  data: { theme: `t${revision}`, size: 12 },
});

/** An inner applier that keeps the state it was given, like a store would. */
function inner(options: { patches?: boolean; fail?: boolean } = {}) {
  const applied: string[] = [];
  let state: Settings | undefined;
  const applier: SnapshotApplier<Settings> = {
    apply(snapshot) {
      if (options.fail) throw new Error('render failed');
      applied.push(snapshot.revision);
      state = snapshot.data;
    },
  };
  const patched: PatchEnvelope[] = [];
  if (options.patches) {
    applier.applyPatch = (patch) => {
      patched.push(patch);
      applied.push(patch.revision);
    };
  }
  return {
    applier,
    applied,
    patched,
    get state() {
      return state;
    },
  };
}

function setup(overrides: Partial<PersistenceApplierOptions<Settings>> = {}) {
  const clock = createVirtualClock(1_000);
  // Tests pass memory backends only, so `peek` and `counts` are there to look at.
  const storage = (overrides.storage ??
    createMemoryBackend<Settings>({ timers: clock })) as MemoryBackend<Settings>;
  const target = inner();
  const errors: { error: StateSyncError; context: PersistenceErrorContext }[] = [];
  const events: PersistenceEvent[] = [];
  const applier = createPersistenceApplier<Settings>({
    storage,
    applier: target.applier,
    timers: clock,
    onPersistenceError: (error, context) => errors.push({ error, context }),
    ...overrides,
  });
  applier.subscribe((event) => events.push(event));
  return { clock, storage, target, applier, errors, events };
}

describe('createPersistenceApplier: saving', () => {
  it('applies, then stores the data with its metadata', async () => {
    const storage = createMemoryBackend<Settings>();
    const { applier, target, events } = setup({ storage, schemaVersion: 3 });
    await applier.apply(snap('4', 'dark', 'e1'));
    await applier.flush();
    expect(target.applied).toEqual(['4']);
    expect(storage.peek()).toEqual({
      meta: { revision: '4', epoch: 'e1', schemaVersion: 3, savedAt: 1_000 },
      data: { theme: 'dark', size: 12 },
    });
    expect(events).toEqual([{ type: 'saved', revision: '4', epoch: 'e1' }]);
    expect(applier.getStats()).toMatchObject({ applies: 1, saves: 1, saveErrors: 0 });
    expect(applier.getSnapshot()).toEqual(snap('4', 'dark', 'e1'));
  });

  it('a slow early save never overwrites a later one', async () => {
    const clock = createVirtualClock();
    let saves = 0;
    // The first save takes 500 ms, every later one 1 ms.
    const storage = createMemoryBackend<Settings>({
      timers: clock,
      faults: { latencyMs: (op) => (op === 'save' && saves++ === 0 ? 500 : 1) },
    });
    const { applier } = setup({ storage, timers: clock });
    for (const revision of ['1', '2', '3', '4']) await applier.apply(snap(revision));
    const flushed = applier.flush();
    await clock.runAll();
    await flushed;
    expect(storage.peek()?.meta.revision).toBe('4');
    // The save of 1 was in flight; 2 and 3 were superseded by 4 while it ran.
    expect(storage.counts.save).toBe(2);
  });

  it('does not replace a newer record another tab stored', async () => {
    const clock = createVirtualClock();
    const storage = createMemoryBackend<Settings>({ timers: clock, faults: { latencyMs: 10 } });
    const a = setup({ storage, timers: clock });
    const b = setup({ storage, timers: clock });
    await b.applier.apply(snap('7'));
    const bSaved = b.applier.flush();
    await clock.runAll();
    await bSaved;
    await a.applier.apply(snap('5'));
    const aSaved = a.applier.flush();
    await clock.runAll();
    await aSaved;
    expect(storage.peek()?.meta.revision).toBe('7');
    expect(a.events).toContainEqual({ type: 'save-skipped', revision: '5', storedRevision: '7' });
    expect(a.applier.getStats().savesSkipped).toBe(1);
  });

  it('replaces a record of another epoch: the authority restarted', async () => {
    const storage = createMemoryBackend<Settings>({ initial: record('90', { epoch: 'old' }) });
    const { applier } = setup({ storage });
    await applier.apply(snap('2', 'x', 'new'));
    await applier.flush();
    expect(storage.peek()?.meta).toMatchObject({ revision: '2', epoch: 'new' });
  });

  it('with a debounce, a burst costs one save of the newest state', async () => {
    const { applier, storage, clock } = setup({ throttling: { debounceMs: 50 } });
    for (let i = 1; i <= 20; i++) await applier.apply(snap(String(i)));
    await clock.advance(49);
    expect(storage.peek()).toBeUndefined();
    await clock.advance(1);
    await applier.flush();
    expect(storage.peek()?.meta.revision).toBe('20');
    expect(applier.getStats().saves).toBe(1);
  });

  it('dispose() saves what is pending, unless told not to', async () => {
    const kept = setup({ throttling: { debounceMs: 10_000 } });
    await kept.applier.apply(snap('3'));
    await kept.applier.dispose();
    await expect(kept.storage.load()).resolves.toMatchObject({ meta: { revision: '3' } });

    const dropped = setup({ throttling: { debounceMs: 10_000 } });
    await dropped.applier.apply(snap('3'));
    await dropped.applier.dispose({ flush: false });
    await dropped.clock.runAll();
    expect(await dropped.storage.load()).toBeUndefined();
  });

  it('clear() removes the stored record and keeps state in memory', async () => {
    const { applier, storage, target } = setup();
    await applier.apply(snap('3'));
    await applier.flush();
    await applier.clear();
    expect(await storage.load()).toBeUndefined();
    expect(target.state).toEqual(snap('3').data);
  });

  it('keeps a patched copy of the data and stores it', async () => {
    const storage = createMemoryBackend<Settings>();
    const target = inner({ patches: true });
    const { applier } = setup({ storage, applier: target.applier });
    await applier.apply(snap('1', 'light'));
    await applier.applyPatch?.({
      base: '1',
      revision: '2',
      ops: [{ op: 'replace', path: ['theme'], value: 'dark' }],
    });
    await applier.flush();
    expect(target.patched).toHaveLength(1);
    expect(storage.peek()).toMatchObject({ meta: { revision: '2' }, data: { theme: 'dark' } });
    expect(applier.getStats().patches).toBe(1);
  });

  it('rejects a delta whose base is not the held revision, so the engine pulls a snapshot', async () => {
    const target = inner({ patches: true });
    const { applier } = setup({ applier: target.applier });
    await applier.apply(snap('1'));
    await expect(applier.applyPatch?.({ base: '5', revision: '6', ops: [] })).rejects.toMatchObject(
      { code: 'apply_failed' },
    );
    expect(target.patched).toEqual([]);
  });

  it('offers applyPatch only when the inner applier has it', () => {
    expect(setup().applier.applyPatch).toBeUndefined();
    expect(setup({ applier: inner({ patches: true }).applier }).applier.applyPatch).toBeTypeOf(
      'function',
    );
  });
});

describe('createPersistenceApplier: hydration', () => {
  it('applies the stored snapshot once and returns its revision', async () => {
    const storage = createMemoryBackend<Settings>({ initial: record('8', { epoch: 'e1' }) });
    const { applier, target, events } = setup({ storage });
    const first = applier.hydrate();
    expect(applier.hydrate()).toBe(first);
    expect(await first).toEqual({ revision: '8', epoch: 'e1' });
    expect(target.applied).toEqual(['8']);
    expect(events).toContainEqual({ type: 'hydrated', revision: '8', epoch: 'e1' });
    expect(applier.getStats().hydrated).toBe(true);
  });

  it('makes the engine start from the stored revision: no pull when nothing changed', async () => {
    const authority = createAuthority<Settings>({ topic: 'settings', data: snap('1').data });
    authority.set({ theme: 'dark', size: 14 });
    const storage = createMemoryBackend<Settings>({
      initial: {
        meta: {
          revision: authority.getRevision(),
          epoch: authority.getEpoch(),
          schemaVersion: 1,
          savedAt: 0,
        },
        data: authority.getData(),
      },
    });
    const { applier, target } = setup({ storage });
    let pulls = 0;
    const sync = createRevisionSync<Settings>({
      topic: 'settings',
      subscriber: { subscribe: (handler) => authority.subscribe(handler) },
      provider: {
        getSnapshot: async (request) => {
          pulls++;
          return authority.provider.getSnapshot(request);
        },
        getRevision: async () => ({
          revision: authority.getRevision(),
          epoch: authority.getEpoch(),
        }),
      },
      applier,
    });
    await sync.start();
    expect(pulls).toBe(0);
    expect(sync.getLocalRevision()).toBe(authority.getRevision());
    expect(target.state).toEqual({ theme: 'dark', size: 14 });

    // A change after the start is pulled once, through the invalidation.
    authority.set({ theme: 'light', size: 14 });
    for (let i = 0; i < 100 && sync.getLocalRevision() !== authority.getRevision(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(pulls).toBe(1);
    expect(target.state).toEqual({ theme: 'light', size: 14 });
    await sync.stop();
    await applier.dispose();
    expect(storage.peek()?.meta.revision).toBe(authority.getRevision());
  });

  it('migrates older data step by step and stores the migrated shape', async () => {
    const storage = createMemoryBackend<Settings>({
      initial: { meta: { revision: '3', schemaVersion: 1, savedAt: 0 }, data: { dark: true } },
    } as never);
    const { applier, target, events } = setup({
      storage,
      schemaVersion: 3,
      migrations: {
        2: (data) => ({ theme: (data as { dark: boolean }).dark ? 'dark' : 'light' }),
        3: (data) => ({ ...(data as object), size: 16 }),
      },
    });
    await applier.hydrate();
    expect(target.state).toEqual({ theme: 'dark', size: 16 });
    expect(events).toContainEqual({ type: 'hydrated', revision: '3', migratedFrom: 1 });
    await applier.flush();
    expect(storage.peek()).toMatchObject({
      meta: { revision: '3', schemaVersion: 3 },
      data: { theme: 'dark', size: 16 },
    });
  });

  it('a throwing migration is a typed error; nothing is applied and the stored copy stays', async () => {
    const initial = record('3');
    const storage = createMemoryBackend<Settings>({ initial });
    const { applier, target, errors } = setup({
      storage,
      schemaVersion: 2,
      migrations: {
        2: () => {
          throw new Error('bad shape');
        },
      },
    });
    expect(await applier.hydrate()).toBeUndefined();
    expect(target.applied).toEqual([]);
    expect(errors[0]?.error).toMatchObject({ code: 'storage', reason: 'migration' });
    expect(errors[0]?.error.message).toContain('bad shape');
    expect(errors[0]?.context).toEqual({ operation: 'migrate', revision: '3' });
    expect(storage.peek()).toEqual(initial);
  });

  it('a missing migration is a migration error', async () => {
    const { applier, errors } = setup({
      storage: createMemoryBackend<Settings>({ initial: record('3') }),
      schemaVersion: 2,
    });
    await applier.hydrate();
    expect(errors[0]?.error).toMatchObject({ reason: 'migration' });
    expect(errors[0]?.error.message).toContain('no migration to schema version 2');
  });

  it('data from a newer schema is foreign: not applied, and not overwritten by saves', async () => {
    const initial = record('3', { schemaVersion: 5 });
    const storage = createMemoryBackend<Settings>({ initial });
    const { applier, target, errors } = setup({ storage, schemaVersion: 2 });
    await applier.hydrate();
    expect(target.applied).toEqual([]);
    await applier.apply(snap('4'));
    await applier.flush();
    expect(errors.map((e) => `${e.context.operation}:${e.error.reason}`)).toEqual([
      'migrate:foreign',
      'save:foreign',
    ]);
    expect(storage.peek()).toEqual(initial);
  });

  it('expired data is not hydrated and is removed', async () => {
    const storage = createMemoryBackend<Settings>({ initial: record('3', { savedAt: 0 }) });
    const { applier, target, events } = setup({ storage, ttlMs: 500 });
    expect(await applier.hydrate()).toBeUndefined();
    expect(target.applied).toEqual([]);
    expect(events).toContainEqual({ type: 'expired', savedAt: 0 });
    expect(storage.peek()).toBeUndefined();
  });

  it('unexpired data within the TTL is hydrated', async () => {
    const storage = createMemoryBackend<Settings>({ initial: record('3', { savedAt: 600 }) });
    const { applier } = setup({ storage, ttlMs: 500 });
    expect(await applier.hydrate()).toEqual({ revision: '3' });
  });

  it('corrupt storage is a typed error; the tab starts empty and later saves replace it', async () => {
    const storage = createMemoryBackend<Settings>({ faults: { failLoad: 'corrupt' } });
    const { applier, errors } = setup({ storage });
    expect(await applier.hydrate()).toBeUndefined();
    expect(errors[0]).toMatchObject({
      error: { code: 'storage', reason: 'corrupt' },
      context: { operation: 'load' },
    });
    storage.setFaults({});
    await applier.apply(snap('2'));
    await applier.flush();
    expect(storage.peek()?.meta.revision).toBe('2');
  });

  it('does not go back when another tab brought newer state before hydration finished', async () => {
    const hub = createMemoryHub();
    const storage = createMemoryBackend<Settings>({ initial: record('3') });
    const a = setup({ crossTabSync: { channelName: 'c', transport: hub.connect() } });
    const b = setup({ storage, crossTabSync: { channelName: 'c', transport: hub.connect() } });
    await a.applier.apply(snap('9'));
    await b.clock.flush();
    expect(await b.applier.hydrate()).toEqual({ revision: '9' });
    expect(b.target.applied).toEqual(['9']);
  });
});

describe('createPersistenceApplier: failures', () => {
  it('quota exceeded: typed error, state in memory intact, last good copy kept', async () => {
    const storage = createMemoryBackend<Settings>({ initial: record('1') });
    const { applier, target, errors, events } = setup({ storage });
    storage.setFaults({ maxBytes: 10 });
    await applier.apply(snap('2', 'dark'));
    await applier.flush();
    expect(errors).toMatchObject([
      {
        error: { code: 'storage', reason: 'quota' },
        context: { operation: 'save', revision: '2' },
      },
    ]);
    expect(target.state).toEqual(snap('2', 'dark').data);
    expect(storage.peek()).toEqual(record('1'));
    expect(applier.getStats().saveErrors).toBe(1);
    expect(events.at(-1)).toMatchObject({ type: 'error' });
  });

  it('the next apply retries the save once storage has room again', async () => {
    const storage = createMemoryBackend<Settings>({ faults: { failSave: 'quota' } });
    const { applier } = setup({ storage });
    await applier.apply(snap('2'));
    await applier.flush();
    storage.setFaults({});
    await applier.apply(snap('3'));
    await applier.flush();
    expect(storage.peek()?.meta.revision).toBe('3');
  });

  it('a value that cannot be stored is a not_cloneable error, and state is kept', async () => {
    const { applier, errors, target } = setup();
    const data = { theme: 'x', size: 1, onChange: () => {} } as unknown as Settings;
    await applier.apply({ revision: '1', data });
    await applier.flush();
    expect(errors[0]?.error.code).toBe('not_cloneable');
    expect(target.state).toBe(data);
  });

  it('an inner applier that throws rejects apply, so the engine reports and repairs it', async () => {
    const target = inner({ fail: true });
    const { applier, storage } = setup({ applier: target.applier });
    await expect(applier.apply(snap('1'))).rejects.toThrow('render failed');
    await applier.flush();
    expect(storage.peek()).toBeUndefined();
  });

  it('an onPersistenceError that throws does not break saving', async () => {
    const storage = createMemoryBackend<Settings>({ faults: { failSave: true } });
    const { applier } = setup({
      storage,
      onPersistenceError: () => {
        throw new Error('handler bug');
      },
    });
    await applier.apply(snap('1'));
    await applier.flush();
    storage.setFaults({});
    await applier.apply(snap('2'));
    await applier.flush();
    expect(storage.peek()?.meta.revision).toBe('2');
  });

  it.each([
    ['a storage without save', { storage: { load: async () => undefined } as never }],
    ['an applier without apply', { applier: {} as never }],
    ['a negative schemaVersion', { schemaVersion: -1 }],
    ['a zero ttlMs', { ttlMs: 0 }],
    ['an empty channel name', { crossTabSync: { channelName: '' } }],
  ])('refuses %s with invalid_option', (_label, overrides) => {
    expect(() => setup(overrides as Partial<PersistenceApplierOptions<Settings>>)).toThrowError(
      expect.objectContaining({ code: 'invalid_option' }),
    );
  });
});

describe('createPersistenceApplier: cross-tab sync', () => {
  /** Two or more tabs on one memory hub, each with its own storage (like sessionStorage). */
  function tabs(
    count: number,
    crossTab: { receiveUpdates?: boolean; broadcastSaves?: boolean } = {},
  ) {
    const hub = createMemoryHub();
    return Array.from({ length: count }, () =>
      setup({
        crossTabSync: { channelName: 'settings-sync', transport: hub.connect(), ...crossTab },
      }),
    );
  }
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('a snapshot applied in one tab is applied in the others, and stored there', async () => {
    const [a, b, c] = tabs(3);
    await a!.applier.apply(snap('4', 'dark'));
    await settle();
    for (const tab of [b!, c!]) {
      expect(tab.target.state).toEqual(snap('4', 'dark').data);
      expect(tab.events).toContainEqual({ type: 'received', revision: '4', applied: true });
      await tab.applier.flush();
      await expect(tab.storage.load()).resolves.toMatchObject({ meta: { revision: '4' } });
    }
    expect(a!.applier.getStats().broadcastsSent).toBe(1);
    expect(b!.applier.getStats()).toMatchObject({ broadcastsReceived: 1, broadcastsApplied: 1 });
  });

  it('tells the engine about revisions received from other tabs', async () => {
    const [a, b] = tabs(2);
    const seen: unknown[] = [];
    b!.applier.watchRevision?.((stamp) => seen.push(stamp));
    await a!.applier.apply(snap('4', 'x', 'e1'));
    await settle();
    expect(seen).toEqual([{ revision: '4', epoch: 'e1' }]);
  });

  it('ignores older snapshots; one of another epoch goes to the engine to confirm', async () => {
    const hub = createMemoryHub();
    // A does not listen, so B's state cannot move A past the older revision it sends.
    const a = setup({
      crossTabSync: { channelName: 'c', transport: hub.connect(), receiveUpdates: false },
    });
    const b = setup({ crossTabSync: { channelName: 'c', transport: hub.connect() } });
    const announced: unknown[] = [];
    b.applier.watchRevision?.((stamp) => announced.push(stamp));
    await b.applier.apply(snap('5', 'mine', 'e1'));
    await a.applier.apply(snap('4', 'older', 'e1'));
    await a.applier.apply(snap('9', 'other', 'e2'));
    await settle();
    expect(b.target.applied).toEqual(['5']);
    expect(announced).toEqual([{ revision: '9', epoch: 'e2' }]);
    expect(b.events.filter((e) => e.type === 'received')).toEqual([
      { type: 'received', revision: '4', epoch: 'e1', applied: false },
      { type: 'received', revision: '9', epoch: 'e2', applied: false },
    ]);
  });

  it('without an engine to confirm, takes a sibling snapshot of another epoch', async () => {
    const hub = createMemoryHub();
    const a = setup({ crossTabSync: { channelName: 'c', transport: hub.connect() } });
    const b = setup({ crossTabSync: { channelName: 'c', transport: hub.connect() } });
    await b.applier.apply(snap('5', 'old', 'e1'));
    await settle();
    await a.applier.apply(snap('1', 'restarted', 'e2'));
    await settle();
    expect(b.applier.getSnapshot()).toEqual(snap('1', 'restarted', 'e2'));
  });

  it("writes its newer state back when a sibling's older write landed last", async () => {
    // Web Storage checks and writes are not atomic across tabs; the storage event tells.
    const memory = createMemoryBackend<Settings>();
    let siblingWrote: ((record: PersistedRecord<Settings>) => void) | undefined;
    const storage: StorageBackend<Settings> = {
      load: memory.load,
      save: memory.save,
      clear: memory.clear,
      shared: true,
      watch(listener) {
        siblingWrote = listener;
        return () => {
          siblingWrote = undefined;
        };
      },
    };
    const { applier, events } = setup({ storage });
    await applier.apply(snap('9'));
    await applier.flush();
    // A sibling that checked before this tab wrote 9 now writes 8 over it.
    const older = { meta: { revision: '8', schemaVersion: 1, savedAt: 0 }, data: snap('8').data };
    await memory.save(older);
    siblingWrote?.(older);
    await applier.flush();
    await new Promise((resolve) => setImmediate(resolve));
    await applier.flush();
    expect(memory.peek()?.meta.revision).toBe('9');
    expect(events.filter((e) => e.type === 'saved')).toHaveLength(2);
    // A newer write by a sibling is left alone.
    siblingWrote?.({
      meta: { revision: '10', schemaVersion: 1, savedAt: 0 },
      data: snap('10').data,
    });
    await applier.flush();
    expect(events.filter((e) => e.type === 'saved')).toHaveLength(2);
    await applier.dispose();
    expect(siblingWrote).toBeUndefined();
  });

  it('does not save a received snapshot again on storage all tabs share', async () => {
    const hub = createMemoryHub();
    const shared = createMemoryBackend<Settings>();
    const storage = Object.assign(Object.create(shared) as typeof shared, { shared: true });
    const a = setup({ storage, crossTabSync: { channelName: 'c', transport: hub.connect() } });
    const b = setup({ storage, crossTabSync: { channelName: 'c', transport: hub.connect() } });
    await a.applier.apply(snap('3'));
    await settle();
    await a.applier.flush();
    await b.applier.flush();
    expect(b.target.applied).toEqual(['3']);
    expect(b.applier.getStats()).toMatchObject({ saves: 0, savesSkipped: 0 });
    expect(shared.counts.save).toBe(1);
  });

  it('applies received snapshots in order, one at a time', async () => {
    const hub = createMemoryHub();
    const order: string[] = [];
    let running = 0;
    let overlapped = false;
    const slow: SnapshotApplier<Settings> = {
      async apply(snapshot) {
        running++;
        overlapped ||= running > 1;
        await new Promise((resolve) => setTimeout(resolve, 2));
        order.push(snapshot.revision);
        running--;
      },
    };
    const a = setup({ crossTabSync: { channelName: 'c', transport: hub.connect() } });
    const b = setup({
      applier: slow,
      crossTabSync: { channelName: 'c', transport: hub.connect() },
    });
    for (const revision of ['1', '2', '3', '4', '5']) await a.applier.apply(snap(revision));
    await b.applier.flush();
    for (let i = 0; i < 50 && order.length < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(order).toEqual(['1', '2', '3', '4', '5']);
    expect(overlapped).toBe(false);
  });

  it('a new tab asks the others for their state when it hydrates', async () => {
    const hub = createMemoryHub();
    const a = setup({ crossTabSync: { channelName: 'c', transport: hub.connect() } });
    await a.applier.apply(snap('6', 'current'));
    const late = setup({ crossTabSync: { channelName: 'c', transport: hub.connect() } });
    await late.applier.hydrate();
    await settle();
    await settle();
    expect(late.target.state).toEqual(snap('6', 'current').data);
  });

  it('respects receiveUpdates: false and broadcastSaves: false', async () => {
    const hub = createMemoryHub();
    const sender = setup({
      crossTabSync: { channelName: 'c', transport: hub.connect(), broadcastSaves: false },
    });
    const deaf = setup({
      crossTabSync: { channelName: 'c', transport: hub.connect(), receiveUpdates: false },
    });
    const listener = setup({ crossTabSync: { channelName: 'c', transport: hub.connect() } });
    await sender.applier.apply(snap('3'));
    await settle();
    expect(listener.target.applied).toEqual([]);
    await listener.applier.apply(snap('4'));
    await settle();
    expect(deaf.target.applied).toEqual([]);
    expect(sender.target.applied).toEqual(['3', '4']);
  });

  it('reports a malformed message from the channel as a protocol error', async () => {
    const hub = createMemoryHub();
    const rogue = hub.connect();
    const tab = setup({ crossTabSync: { channelName: 'c', transport: hub.connect() } });
    rogue.send({
      kind: 'statesync.persistence',
      type: 'snapshot',
      from: 'x',
      snapshot: { revision: '-1' },
    });
    rogue.send({ unrelated: true });
    await settle();
    expect(tab.errors).toMatchObject([
      { error: { code: 'protocol' }, context: { operation: 'receive' } },
    ]);
  });

  it('works over the platform BroadcastChannel by default, and dispose() closes it', async () => {
    const channelName = `persistence-${randomId()}`;
    const a = setup({ crossTabSync: { channelName } });
    const b = setup({ crossTabSync: { channelName } });
    await a.applier.apply(snap('2', 'over the channel'));
    for (let i = 0; i < 100 && b.target.applied.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(b.target.state).toEqual(snap('2', 'over the channel').data);
    await b.applier.dispose();
    await a.applier.apply(snap('3'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(b.target.applied).toEqual(['2']);
    await a.applier.dispose();
  });
});
