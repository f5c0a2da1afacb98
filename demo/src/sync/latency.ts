import type { Subscribable } from '@statesync/core';
import { createValue } from './value.js';

/** How long this window's last write took, from the click until this window showed it. */
export interface Latency {
  /** What was written: "to-do" or "settings". */
  label: string;
  ms: number;
}

export interface LatencyMeter extends Subscribable<Latency | undefined> {
  /** Runs `write` (which must resolve once this window shows the change) and records its time. */
  measure<R>(label: string, write: () => Promise<R>): Promise<R>;
}

export function createLatencyMeter(): LatencyMeter {
  const last = createValue<Latency | undefined>(undefined);
  return {
    getState: last.getState,
    subscribe: last.subscribe,
    async measure(label, write) {
      const started = performance.now();
      const result = await write();
      last.set({ label, ms: performance.now() - started });
      return result;
    },
  };
}
