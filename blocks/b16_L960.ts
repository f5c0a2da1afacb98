import {
  createAuthority,
  createConsoleLogger,
  createMemoryHub,
  createRevisionSync,
  createTransportProvider,
  createTransportSubscriber,
  type MemoryHub,
  type MemoryHubOptions,
  type ServeAuthorityOptions,
  serveAuthority,
} from '@statesync/core';

type Counter = { count: number };

const hubOptions: MemoryHubOptions = { clone: true };
const hub: MemoryHub = createMemoryHub(hubOptions);

const authority = createAuthority<Counter>({ topic: 'counter', data: { count: 0 } });
const serveOptions: ServeAuthorityOptions = { logger: createConsoleLogger() }; // reports what it could not send
const stopServing = serveAuthority(authority, hub.connect(), serveOptions);

function openWindow(name: string) {
  const end = hub.connect();
  const sync = createRevisionSync<Counter>({
    topic: 'counter',
    subscriber: createTransportSubscriber(end),
    provider: createTransportProvider<Counter>(end, 'counter'),
    applier: { apply: ({ revision, data }) => console.log(name, revision, data.count) },
  });
  return { sync, end };
}

const windows = [openWindow('a'), openWindow('b')];

async function main(): Promise<void> {
  await Promise.all(windows.map(({ sync }) => sync.start())); // a 0 0, b 0 0
  authority.update(({ count }) => ({ count: count + 1 })); // a 1 1, b 1 1 shortly after
  await new Promise((resolve) => setTimeout(resolve, 10));
  for (const { sync, end } of windows) {
    await sync.stop();
    end.close();
  }
  stopServing();
  console.log(hub.openCount()); // 0
}

void main();
