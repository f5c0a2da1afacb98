import type {
  Delta,
  Epoch,
  InvalidationEvent,
  PatchEnvelope,
  PatchOp,
  Revision,
  SnapshotEnvelope,
  Topic,
} from '@statesync/core';

const topic: Topic = 'settings';
const epoch: Epoch = 'e1';
const base: Revision = '41';
const ops: PatchOp[] = [{ op: 'replace', path: ['theme'], value: 'dark' }];
const delta: Delta = { base, ops };
const event: InvalidationEvent = {
  topic,
  revision: '42',
  epoch,
  sourceId: 'window-a',
  timestampMs: Date.now(),
  delta,
};
const patch: PatchEnvelope = { base, revision: event.revision, epoch, ops };
const snapshot: SnapshotEnvelope<{ theme: string }> = {
  revision: '42',
  epoch,
  data: { theme: 'dark' },
};
console.log(patch, snapshot);
