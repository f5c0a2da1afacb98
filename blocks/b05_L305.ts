import { createRevisionSync, type SnapshotApplier, type SnapshotEnvelope } from '@statesync/core';

type Settings = { theme: 'light' | 'dark' };

let shown: Settings | undefined;
const applier: SnapshotApplier<Settings> = {
  apply(snapshot) {
    shown = snapshot.data;
  },
};

const sync = createRevisionSync<Settings>({
  topic: 'settings',
  subscriber: { subscribe: () => () => {} },
  provider: { getSnapshot: async () => ({ revision: '0', data: { theme: 'light' } }) },
  applier,
});

// This server answers a write with the snapshot it produced.
async function save(change: Partial<Settings>): Promise<void> {
  const response = await fetch('/api/settings', { method: 'POST', body: JSON.stringify(change) });
  if (!response.ok) throw new Error(`POST /api/settings: HTTP ${response.status}`);
  const reply = (await response.json()) as SnapshotEnvelope<Settings>;
  const before = sync.status.getState();
  sync.setLocalRevision(reply.revision, reply.epoch);
  const after = sync.status.getState();
  // Moved: show the data that revision stands for. Not moved: something newer is shown already.
  if (after.localRevision !== before.localRevision || after.epoch !== before.epoch) {
    await applier.apply(reply);
  }
  console.log(shown);
}

void save({ theme: 'dark' });
