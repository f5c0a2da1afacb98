import { createRevisionSync, type RetryOptions, type SnapshotProvider } from '@statesync/core';

type Profile = { name: string };

const provider: SnapshotProvider<Profile> = {
  async getSnapshot({ topic, signal }) {
    const response = await fetch(`/api/${topic}`, { signal }); // aborted on timeout and on stop()
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  },
};

const retry: RetryOptions = { maxAttempts: 6, initialDelayMs: 500, maxDelayMs: 8_000, jitter: 1 };

createRevisionSync<Profile>({
  topic: 'profile',
  subscriber: { subscribe: () => () => {} },
  provider,
  applier: { apply() {} },
  retry,
  timeoutMs: 5_000,
});
