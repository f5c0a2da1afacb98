// The one transport conformance suite (packages/core/test/conformance), run inside Chromium on
// the media Node does not have: a page's links to a service worker, a dedicated worker, a
// SharedWorker and a frame, and the browser's own BroadcastChannel. The page runs the very cases
// vitest runs in Node and reports how each ended.
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../packages/core/test/conformance/suite-runner.js';
import { startConformanceServer } from './fixtures/transport-conformance/server.js';
import { useBrowserSuite, waitFor } from './harness/index.js';

describe('transport conformance in Chromium', () => {
  const suite = useBrowserSuite(startConformanceServer);

  it('every browser medium passes every case of the suite', async () => {
    const page = await suite.context.newPage();
    await page.goto(suite.server.url);
    const results = await waitFor(() => page.evaluate(() => window.conformance), {
      timeoutMs: 50_000,
      intervalMs: 200,
      message: 'the conformance run to finish',
    });
    if (typeof results === 'string') throw new Error(results);
    const of = (medium: string, outcome: CaseResult['outcome']) =>
      results
        .filter((result) => result.name.includes(medium) && result.outcome === outcome)
        .map((result) => result.name.split(' > ').pop());
    const media = [
      'service-worker links (Chromium)',
      'dedicated worker links (Chromium)',
      'SharedWorker ports (Chromium)',
      'window links to a frame (Chromium)',
      'BroadcastChannel (Chromium)',
    ];
    expect(results).toHaveLength(14 * media.length);
    for (const medium of media) {
      expect(of(medium, 'failed'), JSON.stringify(results, null, 2)).toEqual([]);
      // Neither medium can count its open ports; every other case ran and passed.
      expect(of(medium, 'skipped')).toEqual([
        'opens lazily and leaves nothing open after the last unsubscribe',
        'leaves nothing open after close()',
      ]);
      expect(of(medium, 'passed')).toHaveLength(12);
    }
  });
});
