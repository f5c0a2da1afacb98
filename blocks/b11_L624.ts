import { createRevisionSync, type ThrottlingOptions } from '@statesync/core';

// A topic that changes on every keystroke: at most one pull per 250 ms while typing, one at the end.
const throttling: ThrottlingOptions = { debounceMs: 100, maxWaitMs: 250 };

createRevisionSync<string>({
  topic: 'draft',
  subscriber: { subscribe: () => () => {} },
  provider: { getSnapshot: async () => ({ revision: '0', data: '' }) },
  applier: { apply() {} },
  throttling,
});
