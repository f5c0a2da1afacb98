/**
 * The transport conformance suite under vitest. A transport's test file calls
 * `describeTransportConformance('name', factory)`; a new transport is done when the suite passes
 * on it. The cases themselves are in `transport-cases.ts`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConformanceOptions,
  type SuiteApi,
  type TransportUnderTest,
  transportConformance,
} from './transport-cases.js';

export type { ConformanceOptions, TransportUnderTest } from './transport-cases.js';

const vitestApi: SuiteApi = { describe, it, beforeEach, afterEach, expect };

export function describeTransportConformance(
  name: string,
  factory: () => TransportUnderTest,
  options: ConformanceOptions = {},
): void {
  transportConformance(vitestApi, name, factory, options);
}
