export { createRandom } from './random.js';
export {
  createTestBus,
  type Faults,
  type TestBus,
  type TestBusLink,
  type TestBusOptions,
  type TestBusStats,
} from './test-bus.js';
export { createTestStore, type TestStore } from './test-store.js';
export { createVirtualClock, type VirtualClock } from './virtual-clock.js';
