export type { Direction } from './local-link.js';
export { createTestBed, type TestBed, type TestBedOptions } from './test-bed.js';
export {
  createTransportHub,
  type HubFaults,
  type HubStats,
  type HubTraffic,
  mockPairTransports,
  type TransportHub,
  type TransportHubOptions,
} from './transport-hub.js';
