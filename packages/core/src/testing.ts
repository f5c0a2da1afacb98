export { createRandom } from './random.js';
export { createStore as createTestStore, type Store as TestStore } from './subscribable.js';
export {
  createTestBus,
  type Faults,
  type TestBus,
  type TestBusLink,
  type TestBusOptions,
  type TestBusStats,
} from './test-bus.js';
export { createVirtualClock, type VirtualClock } from './virtual-clock.js';
