import { createAuthority, createRevisionSync } from '@statesync/core';

type Settings = { theme: 'light' | 'dark'; fontSize: number };

// Owns the truth: the data, its revision ("0" to start with) and an epoch.
const authority = createAuthority<Settings>({
  topic: 'settings',
  data: { theme: 'light', fontSize: 14 },
});

// One client of it, e.g. one window. `mirror` is the state this window renders.
let mirror: Settings | undefined;

const sync = createRevisionSync<Settings>({
  topic: 'settings',
  subscriber: authority, // authority.subscribe delivers every invalidation it publishes
  provider: authority.provider, // answers getSnapshot with { revision, epoch, data }
  applier: {
    apply(snapshot) {
      mirror = snapshot.data;
    },
  },
});

sync.status.subscribe(({ state, localRevision }) => {
  if (state === 'synced') console.log(localRevision, mirror?.theme);
});

async function main(): Promise<void> {
  await sync.start(); // subscribed, snapshot "0" pulled and applied: logs `0 light`
  authority.update((settings) => ({ ...settings, theme: 'dark' })); // publishes revision "1"
  // ...the client hears of "1", pulls it on its own and logs `1 dark`.
}

void main();
