import { describe, expect, it } from 'vitest';
import { createMemoryHub, type Transport } from '../src/index.js';
import { createSuiteRunner } from './conformance/suite-runner.js';
import { transportConformance } from './conformance/transport-cases.js';

// The runner that carries the conformance suite into Chromium, checked here on media whose
// outcome is known: it must report every case, and fail the cases a broken medium breaks.
describe('the conformance suite runner', () => {
  it('passes every case on the memory hub, skipping only what the medium cannot show', async () => {
    const runner = createSuiteRunner(expect);
    transportConformance(runner.api, 'memory hub', () => createMemoryHub());
    transportConformance(runner.api, 'uncounted hub', () => ({
      connect: createMemoryHub().connect,
    }));
    const results = await runner.run();
    expect(results).toHaveLength(28);
    expect(results.filter((result) => result.outcome === 'failed')).toEqual([]);
    expect(
      results.filter((result) => result.outcome === 'skipped').map((result) => result.name),
    ).toEqual([
      'transport conformance: uncounted hub > opens lazily and leaves nothing open after the last unsubscribe',
      'transport conformance: uncounted hub > leaves nothing open after close()',
    ]);
  });

  it('fails the cases a medium breaks, and says why', async () => {
    // Every end also hears itself, and a throwing listener silences the ones after it.
    const broken = () => {
      const hub = createMemoryHub();
      return {
        connect(): Transport {
          const end = hub.connect();
          const listeners = new Set<(message: unknown) => void>();
          end.subscribe((message) => {
            for (const listener of listeners) listener(message);
          });
          return {
            send(message) {
              end.send(message);
              queueMicrotask(() => {
                for (const listener of listeners) listener(structuredClone(message));
              });
            },
            subscribe(listener) {
              listeners.add(listener);
              return () => listeners.delete(listener);
            },
            close: () => end.close(),
          };
        },
      };
    };
    const runner = createSuiteRunner(expect);
    transportConformance(runner.api, 'broken', broken, { deliveryTimeoutMs: 200 });
    const failed = (await runner.run()).filter((result) => result.outcome === 'failed');
    const names = failed.map((result) => result.name.split(' > ').pop());
    expect(names).toContain('delivers a message to every other end, never back to the sender');
    expect(names).toContain('keeps delivering to other listeners when one throws');
    expect(names).toContain(
      'throws a stopped error on send and subscribe after close, and close is idempotent',
    );
    expect(failed.every((result) => typeof result.detail === 'string')).toBe(true);
  });
});
