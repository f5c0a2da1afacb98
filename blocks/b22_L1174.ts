import { createVirtualClock, type VirtualClock } from '@statesync/core/testing';

const clock: VirtualClock = createVirtualClock(1_000);
const fired: number[] = [];
clock.setTimeout(() => fired.push(clock.now()), 50);

async function run(): Promise<void> {
  await clock.advance(49);
  console.log(fired, clock.pendingCount()); // [] 1
  await clock.advance(1);
  console.log(fired); // [1050]
  await clock.runAll();
  await clock.flush();
}

void run();
