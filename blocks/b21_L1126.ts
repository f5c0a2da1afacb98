import {
  type InvalidationEvent,
  isStateSyncError,
  parseInvalidation,
  parseSnapshot,
  type SnapshotEnvelope,
} from '@statesync/core';

const event: InvalidationEvent = parseInvalidation(
  JSON.parse('{"topic":"settings","revision":"7","extra":1}'),
);
// → { topic: 'settings', revision: '7' }: unknown fields are dropped

const snapshot: SnapshotEnvelope<{ theme: string }> = parseSnapshot({
  revision: '7',
  data: { theme: 'dark' },
});

try {
  parseSnapshot({ revision: 7, data: {} });
} catch (error) {
  console.log(isStateSyncError(error, 'protocol'), (error as Error).message);
  // true 'snapshot.revision must be a canonical u64 decimal string, got 7 (number)'
}
console.log(event, snapshot);
