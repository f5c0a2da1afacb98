import { createThrottle, defaultTimers, type Throttle, type Timers } from '@statesync/core';

const timers: Timers = defaultTimers;
const save: Throttle = createThrottle(
  () => console.log('saved at', timers.now()),
  { throttleMs: 1000 },
  timers,
);

save.trigger(); // runs at once (leading) and opens a 1 s window
save.trigger(); // owed: runs when the window ends
console.log(save.isPending()); // true
window.addEventListener('pagehide', () => save.flush()); // do not lose the owed run
