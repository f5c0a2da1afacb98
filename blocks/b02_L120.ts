import { createRevisionSync, type InvalidationEvent } from '@statesync/core';

let deliver: (event: InvalidationEvent) => void = () => {};
let pulls = 0;

const sync = createRevisionSync<{ theme: string }>({
  topic: 'settings',
  subscriber: {
    subscribe(handler) {
      deliver = handler;
      return () => {};
    },
  },
  provider: {
    async getSnapshot() {
      pulls++;
      return { revision: '5', data: { theme: 'dark' } };
    },
  },
  applier: { apply() {} },
});

async function demo(): Promise<void> {
  await sync.start(); // one pull: the window now holds revision "5"
  deliver({ topic: 'settings', revision: '5' }); // the echo of the write that made "5"
  deliver({ topic: 'settings', revision: '4' }); // a late event, older still
  console.log(sync.getLocalRevision(), pulls); // "5" 1: neither event caused a pull
}

void demo();
