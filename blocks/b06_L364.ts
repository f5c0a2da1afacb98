import type { RevisionSyncHandle, Subscribable, SyncState, SyncStatus } from '@statesync/core';

declare const sync: RevisionSyncHandle;

const labels: Record<SyncState, string> = {
  idle: 'not syncing',
  syncing: 'updating…',
  synced: 'up to date',
  error: 'offline',
};

const status: Subscribable<SyncStatus> = sync.status;
const unsubscribe = status.subscribe(({ state, localRevision, lastError }) => {
  console.log(`${labels[state]} at ${localRevision ?? '-'}`, lastError?.code ?? '');
});
console.log(status.getState().state); // 'idle' until start()
unsubscribe();
