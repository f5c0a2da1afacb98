import {
  createRevisionSync,
  type InvalidationSubscriber,
  type RevisionSyncHandle,
  type RevisionSyncOptions,
  type SnapshotApplier,
  type SnapshotProvider,
} from '@statesync/core';

type Settings = { theme: 'light' | 'dark' };

declare const subscriber: InvalidationSubscriber;
declare const provider: SnapshotProvider<Settings>;
declare const applier: SnapshotApplier<Settings>;

const windowId = crypto.randomUUID();

const options: RevisionSyncOptions<Settings> = {
  topic: 'settings',
  subscriber,
  provider,
  applier,
  // This window's own writes come back tagged with its id: nothing to pull for them.
  shouldRefresh: (event) => event.sourceId !== windowId,
  throttling: { debounceMs: 50 },
  retry: { maxAttempts: 5 },
  timeoutMs: 10_000,
};

const sync: RevisionSyncHandle = createRevisionSync(options);
void sync.start();
