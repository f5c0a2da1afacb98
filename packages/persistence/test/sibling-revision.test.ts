// A sibling tab's copy at the largest revision would freeze this tab: every later change is
// older than it. Only the authority (through the engine) may bring a revision with no room after.
import {
  createAuthority,
  createMemoryHub,
  createRevisionSync,
  type StateSyncError,
  type Transport,
} from '@statesync/core';
import { describe, expect, it } from 'vitest';
import {
  createMemoryBackend,
  createPersistenceApplier,
  type PersistedRecord,
  type PersistenceErrorContext,
  type StorageBackend,
} from '../src/index.js';

type Settings = { theme: string };
const MAX = '18446744073709551615';
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function tab(options: { transport?: Transport<unknown>; storage?: StorageBackend<Settings> }) {
  const storage = createMemoryBackend<Settings>();
  const applied: string[] = [];
  const errors: { error: StateSyncError; context: PersistenceErrorContext }[] = [];
  const applier = createPersistenceApplier<Settings>({
    storage: options.storage ?? storage,
    applier: { apply: (snapshot) => void applied.push(snapshot.revision) },
    crossTabSync: {
      channelName: 'settings',
      ...(options.transport && { transport: options.transport }),
    },
    onPersistenceError: (error, context) => errors.push({ error, context }),
  });
  return { storage, applier, applied, errors };
}

const forged = (revision: string, epoch?: string) => ({
  kind: 'statesync.persistence',
  type: 'snapshot',
  from: 'rogue',
  snapshot: { revision, ...(epoch && { epoch }), data: { theme: 'frozen' } },
});

describe("a sibling tab's snapshot at the largest revision", () => {
  for (const epoch of [undefined, 'e1', 'e2']) {
    it(`is refused with a protocol error; held and stored copies stay, later changes apply (${epoch ?? 'no epoch'})`, async () => {
      const hub = createMemoryHub();
      const rogue = hub.connect();
      const sibling = tab({ transport: hub.connect() });
      const receiver = tab({ transport: hub.connect() });
      await receiver.applier.apply({ revision: '3', epoch: 'e1', data: { theme: 'mine' } });
      await receiver.applier.flush();

      rogue.send(forged(MAX, epoch));
      await settle();
      await receiver.applier.flush();
      expect(receiver.errors).toMatchObject([
        { error: { code: 'protocol' }, context: { operation: 'receive', revision: MAX } },
      ]);
      expect(receiver.errors[0]?.error.message).toMatch(/no later change/);
      expect(receiver.applied).toEqual(['3']);
      expect(receiver.applier.getSnapshot()).toEqual({
        revision: '3',
        epoch: 'e1',
        data: { theme: 'mine' },
      });
      expect(receiver.storage.peek()?.meta.revision).toBe('3');

      // Not frozen: the next real change from a sibling is applied.
      await sibling.applier.apply({ revision: '4', epoch: 'e1', data: { theme: 'next' } });
      await settle();
      expect(receiver.applied).toEqual(['3', '4']);
      await Promise.all([sibling.applier.dispose(), receiver.applier.dispose()]);
    });
  }

  it('through the storage event too (no channel): refused, and the storage is not rewritten', async () => {
    const memory = createMemoryBackend<Settings>();
    let siblingWrote: ((record: PersistedRecord<Settings>) => void) | undefined;
    const storage: StorageBackend<Settings> = {
      load: memory.load,
      save: memory.save,
      clear: memory.clear,
      watch(listener) {
        siblingWrote = listener;
        return () => {
          siblingWrote = undefined;
        };
      },
    };
    const saved = globalThis.BroadcastChannel;
    // Without a BroadcastChannel the storage event is how tabs hear each other.
    Reflect.deleteProperty(globalThis, 'BroadcastChannel');
    let receiver: ReturnType<typeof tab>;
    try {
      receiver = tab({ storage });
    } finally {
      globalThis.BroadcastChannel = saved;
    }
    await receiver.applier.apply({ revision: '3', data: { theme: 'mine' } });
    await receiver.applier.flush();
    siblingWrote?.({ meta: { revision: MAX, schemaVersion: 1, savedAt: 0 }, data: { theme: 'x' } });
    await settle();
    await receiver.applier.flush();
    expect(receiver.errors).toMatchObject([
      { error: { code: 'protocol' }, context: { operation: 'receive', revision: MAX } },
    ]);
    expect(receiver.applied).toEqual(['3']);
    siblingWrote?.({ meta: { revision: '4', schemaVersion: 1, savedAt: 0 }, data: { theme: 'y' } });
    await settle();
    expect(receiver.applied).toEqual(['3', '4']);
    await receiver.applier.dispose();
  });

  it("does not move the engine: the authority's later changes still reach the tab", async () => {
    const hub = createMemoryHub();
    const rogue = hub.connect();
    const receiver = tab({ transport: hub.connect() });
    const authority = createAuthority<Settings>({ topic: 'settings', data: { theme: 'a' } });
    const sync = createRevisionSync<Settings>({
      topic: 'settings',
      subscriber: authority,
      provider: authority.provider,
      applier: receiver.applier,
    });
    await sync.start();
    rogue.send(forged(MAX, authority.getEpoch()));
    await settle();
    await receiver.applier.flush();
    expect(sync.getLocalRevision()).toBe(authority.getRevision());
    authority.set({ theme: 'b' });
    for (let i = 0; i < 100 && sync.getLocalRevision() !== authority.getRevision(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(sync.getLocalRevision()).toBe(authority.getRevision());
    expect(receiver.applier.getSnapshot()?.data).toEqual({ theme: 'b' });
    expect(receiver.errors.map((e) => e.error.code)).toEqual(['protocol']);
    await sync.stop();
    await receiver.applier.dispose();
  });
});
