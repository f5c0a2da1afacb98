import { StateSyncError } from './errors.js';

/**
 * The `not_cloneable` error for a value whose structured clone failed with `error`, naming the
 * path of the first part that cannot cross a window boundary (`message.items[2].onClick`).
 */
export function notCloneable(value: unknown, error: unknown, name = 'message'): StateSyncError {
  let where: string | undefined;
  try {
    where = findUncloneable(value, name, new Set());
  } catch {
    // Nested deeper than the stack allows (the clone failed for the same reason): no path.
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new StateSyncError(
    'not_cloneable',
    `${where ?? name} cannot be structured-cloned: ${detail}`,
    {
      cause: error,
    },
  );
}

/**
 * Throws a `not_cloneable` {@link StateSyncError} naming the offending path (`snapshot.data.onChange`)
 * when `value` cannot be structured-cloned, i.e. cannot cross postMessage, IPC or storage.
 * Costs one structured clone.
 */
export function assertCloneable(value: unknown, name = 'value'): void {
  try {
    structuredClone(value);
  } catch (error) {
    throw notCloneable(value, error, name);
  }
}

/** The path of the first function, symbol or other uncloneable leaf in `value`, if found. */
function findUncloneable(value: unknown, path: string, seen: Set<object>): string | undefined {
  if (typeof value === 'function' || typeof value === 'symbol') return path;
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise) return path;
  const entries: [string, unknown][] =
    value instanceof Map
      ? [...value.values()].map((item, index) => [`[map value ${index}]`, item])
      : value instanceof Set
        ? [...value].map((item, index) => [`[set item ${index}]`, item])
        : Object.entries(value).map(([key, item]) => [
            Array.isArray(value) ? `[${key}]` : `.${key}`,
            item,
          ]);
  for (const [suffix, item] of entries) {
    const found = findUncloneable(item, path + suffix, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}
