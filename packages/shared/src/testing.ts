export type { Direction } from './links/local-link.js';
export { createTestBed, type TestBed, type TestBedOptions } from './testing/test-bed.js';
export {
  createTransportHub,
  type HubFaults,
  type HubStats,
  type HubTraffic,
  mockPairTransports,
  type TransportHub,
  type TransportHubOptions,
} from './testing/transport-hub.js';
