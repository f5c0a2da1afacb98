import type { Page } from 'playwright-core';
import { type WaitForOptions, waitFor } from './wait-for.js';

export interface ConvergenceOptions<V> extends WaitForOptions {
  /** Also require the common value to pass this check, e.g. "theme is dark". */
  until?: (value: V) => boolean;
}

/**
 * Waits until `read` returns the same value (compared as JSON) on every page, and resolves
 * with that value. Use it to assert that windows agree, not merely that one has caught up.
 */
export async function waitForConvergence<V>(
  pages: readonly Page[],
  read: (page: Page) => V | Promise<V>,
  { until, message = 'pages to converge', ...options }: ConvergenceOptions<V> = {},
): Promise<V> {
  if (pages.length === 0) throw new RangeError('waitForConvergence: no pages given');
  let values: V[] = [];
  try {
    const result = await waitFor(
      async () => {
        values = await Promise.all(pages.map((page) => read(page)));
        const first = JSON.stringify(values[0]);
        const agree = values.every((value) => JSON.stringify(value) === first);
        return agree && (until === undefined || until(values[0] as V))
          ? { value: values[0] as V }
          : undefined;
      },
      { ...options, message },
    );
    return result.value;
  } catch (error) {
    throw new Error(`${(error as Error).message}; values per page: ${JSON.stringify(values)}`, {
      cause: error,
    });
  }
}
