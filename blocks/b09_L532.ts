import {
  type ConsoleLoggerOptions,
  createConsoleLogger,
  createRevisionSync,
  tagLogger,
} from '@statesync/core';

const options: ConsoleLoggerOptions = { debug: true };
const logger = tagLogger(createConsoleLogger(options), { windowId: 'main' });

const sync = createRevisionSync<{ theme: string }>({
  topic: 'settings',
  subscriber: { subscribe: () => () => {} },
  provider: { getSnapshot: async () => ({ revision: '5', data: { theme: 'dark' } }) },
  applier: { apply() {} },
  logger,
});

void sync.start();
// [debug] [windowId=main] subscribed
// [debug] [windowId=main] fetching snapshot { localRevision: undefined, target: undefined }
// [debug] [windowId=main] snapshot applied { revision: "5" }
