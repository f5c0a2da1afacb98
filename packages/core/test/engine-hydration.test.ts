import { describe, expect, it } from 'vitest';
import {
  createRevisionSync,
  type RevisionStamp,
  type RevisionSyncOptions,
  type SnapshotApplier,
  type SnapshotEnvelope,
} from '../src/index.js';
import { createVirtualClock } from '../src/virtual-clock.js';
import { errorCollector, instantProvider, manualSubscriber } from './fixtures.js';

type Data = { value: number };
const snap = (revision: string, epoch?: string): SnapshotEnvelope<Data> =>
  epoch === undefined
    ? { revision, data: { value: Number(revision) } }
    : { revision, epoch, data: { value: Number(revision) } };

/** An applier that restores `stored` on hydrate and can report revisions it reached itself. */
function restoringApplier(stored: RevisionStamp | undefined | (() => never)) {
  const applied: string[] = [];
  let watcher: ((stamp: RevisionStamp) => void) | undefined;
  let watches = 0;
  const applier: SnapshotApplier<Data> = {
    apply: (snapshot) => void applied.push(snapshot.revision),
    hydrate: async () => (typeof stored === 'function' ? stored() : stored),
    watchRevision(listener) {
      watches++;
      watcher = listener;
      return () => {
        watcher = undefined;
      };
    },
  };
  return {
    applier,
    applied,
    reached: (stamp: RevisionStamp) => watcher?.(stamp),
    get watching() {
      return watcher !== undefined;
    },
    get watches() {
      return watches;
    },
  };
}

function setup(
  stored: Parameters<typeof restoringApplier>[0],
  current: SnapshotEnvelope<Data>,
  overrides: Partial<RevisionSyncOptions<Data>> = {},
) {
  const clock = createVirtualClock();
  const subscriber = manualSubscriber();
  const restore = restoringApplier(stored);
  const snapshots = instantProvider(current);
  let probes = 0;
  const provider = {
    getSnapshot: snapshots.getSnapshot,
    async getRevision() {
      probes++;
      const { data: _data, ...stamp } = await snapshots.getSnapshot();
      return stamp;
    },
  };
  const errors = errorCollector();
  const handle = createRevisionSync<Data>({
    topic: 'settings',
    subscriber,
    provider,
    applier: restore.applier,
    onError: errors.onError,
    timers: clock,
    throttling: {},
    ...overrides,
  });
  return {
    clock,
    subscriber,
    restore,
    snapshots,
    handle,
    errors,
    get probes() {
      return probes;
    },
    /** Snapshot pulls, not counting the probes' own reads of `snapshots`. */
    get pulls() {
      return snapshots.count - probes;
    },
  };
}

describe('hydrate()', () => {
  it('starts from the restored revision and pulls nothing when the authority is not ahead', async () => {
    const ctx = setup({ revision: '7', epoch: 'e1' }, snap('7', 'e1'));
    await ctx.handle.start();
    expect(ctx.handle.getLocalRevision()).toBe('7');
    expect(ctx.probes).toBe(1);
    expect(ctx.pulls).toBe(0);
    expect(ctx.restore.applied).toEqual([]);
    expect(ctx.handle.status.getState()).toMatchObject({ state: 'synced', epoch: 'e1' });
  });

  it('pulls once when the authority moved on while the page was closed', async () => {
    const ctx = setup({ revision: '7', epoch: 'e1' }, snap('9', 'e1'));
    await ctx.handle.start();
    expect(ctx.pulls).toBe(1);
    expect(ctx.restore.applied).toEqual(['9']);
    expect(ctx.handle.getLocalRevision()).toBe('9');
  });

  it('pulls when the authority restarted under a new epoch, even at a lower revision', async () => {
    const ctx = setup({ revision: '7', epoch: 'e1' }, snap('2', 'e2'));
    await ctx.handle.start();
    expect(ctx.restore.applied[0]).toBe('2');
    expect(ctx.handle.status.getState()).toMatchObject({ localRevision: '2', epoch: 'e2' });
  });

  it('without getRevision, pulls the snapshot and applies it only if newer', async () => {
    const ctx = setup({ revision: '7' }, snap('7'), {
      provider: instantProvider(snap('7')),
    });
    await ctx.handle.start();
    expect(ctx.handle.getLocalRevision()).toBe('7');
    expect(ctx.restore.applied).toEqual([]);
  });

  it('keeps initialRevision when the restored revision is older', async () => {
    const ctx = setup({ revision: '3' }, snap('8'), { initialRevision: '8' });
    await ctx.handle.start();
    expect(ctx.pulls).toBe(0);
    expect(ctx.handle.getLocalRevision()).toBe('8');
  });

  it('reports a throwing hydrate and syncs from scratch', async () => {
    const ctx = setup(() => {
      throw new Error('disk on fire');
    }, snap('4'));
    await ctx.handle.start();
    expect(ctx.errors.codes()).toEqual(['start:apply_failed']);
    expect(ctx.errors.errors[0]?.error.message).toContain('disk on fire');
    expect(ctx.restore.applied).toEqual(['4']);
  });

  it('rejects a malformed restored revision as a protocol error', async () => {
    const ctx = setup({ revision: '07' }, snap('4'));
    await ctx.handle.start();
    expect(ctx.errors.codes()).toEqual(['start:protocol']);
    expect(ctx.restore.applied).toEqual(['4']);
  });

  it('falls back to a pull when getRevision fails', async () => {
    const ctx = setup({ revision: '7' }, snap('7'), {
      provider: {
        getSnapshot: async () => snap('8'),
        getRevision: async () => {
          throw new Error('no such route');
        },
      },
    });
    await ctx.handle.start();
    expect(ctx.restore.applied).toEqual(['8']);
    expect(ctx.errors.errors).toEqual([]);
  });

  it('an invalidation during the probe is still fetched', async () => {
    let answer: ((stamp: RevisionStamp) => void) | undefined;
    const ctx = setup({ revision: '7' }, snap('9'), {
      provider: {
        getSnapshot: async () => snap('9'),
        getRevision: () =>
          new Promise<RevisionStamp>((resolve) => {
            answer = resolve;
          }),
      },
    });
    const starting = ctx.handle.start();
    await ctx.clock.flush();
    ctx.subscriber.emit({ topic: 'settings', revision: '9' });
    answer?.({ revision: '7' });
    await starting;
    await ctx.clock.flush();
    expect(ctx.restore.applied).toEqual(['9']);
  });
});

describe('watchRevision()', () => {
  it('adopts revisions the applier reached itself, so their events cause no pull', async () => {
    const ctx = setup(undefined, snap('5', 'e1'));
    await ctx.handle.start();
    expect(ctx.restore.watches).toBe(1);
    ctx.restore.reached({ revision: '6', epoch: 'e1' });
    expect(ctx.handle.getLocalRevision()).toBe('6');
    ctx.subscriber.emit({ topic: 'settings', revision: '6', epoch: 'e1' });
    await ctx.clock.flush();
    expect(ctx.pulls).toBe(1);
  });

  it('takes a stamp of another epoch as an announcement and pulls to confirm it', async () => {
    const ctx = setup(undefined, snap('5', 'e1'));
    await ctx.handle.start();
    ctx.snapshots.set(snap('2', 'e2'));
    ctx.restore.reached({ revision: '2', epoch: 'e2' });
    // Not adopted as is: the authority has to confirm the new epoch.
    expect(ctx.handle.status.getState()).toMatchObject({ localRevision: '5', epoch: 'e1' });
    await ctx.clock.flush();
    // The first pull plus the announced one, and one more confirming the epoch switch.
    expect(ctx.pulls).toBe(3);
    expect(ctx.restore.applied).toEqual(['5', '2']);
    expect(ctx.handle.status.getState()).toMatchObject({ localRevision: '2', epoch: 'e2' });
  });

  it('ignores older revisions and malformed stamps', async () => {
    const ctx = setup(undefined, snap('5', 'e1'));
    await ctx.handle.start();
    ctx.restore.reached({ revision: '4', epoch: 'e1' });
    ctx.restore.reached({ revision: 'x' } as RevisionStamp);
    expect(ctx.handle.status.getState()).toMatchObject({ localRevision: '5', epoch: 'e1' });
    expect(ctx.errors.codes()).toEqual(['protocol:protocol']);
  });

  it('watches only once subscribed, so a start() retried after a failed subscribe watches once', async () => {
    const ctx = setup(undefined, snap('5'), {
      subscriber: {
        subscribe: () => {
          throw new Error('offline');
        },
      },
    });
    await expect(ctx.handle.start()).rejects.toMatchObject({ code: 'subscribe_failed' });
    expect(ctx.restore.watching).toBe(false);
    await expect(ctx.handle.start()).rejects.toMatchObject({ code: 'subscribe_failed' });
    expect(ctx.restore.watches).toBe(0);
  });

  it('stops watching on stop()', async () => {
    const ctx = setup(undefined, snap('5'));
    await ctx.handle.start();
    expect(ctx.restore.watching).toBe(true);
    await ctx.handle.stop();
    expect(ctx.restore.watching).toBe(false);
  });
});
