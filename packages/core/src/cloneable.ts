import { StateSyncError } from './errors.js';

/**
 * The `not_cloneable` error for a message whose structured clone failed with `error`, naming
 * the path of the first value that cannot cross a window boundary (`message.items[2].onClick`).
 */
export function notCloneable(message: unknown, error: unknown): StateSyncError {
  const where = findUncloneable(message, 'message', new Set());
  const detail = error instanceof Error ? error.message : String(error);
  return new StateSyncError(
    'not_cloneable',
    `${where ?? 'message'} cannot be structured-cloned: ${detail}`,
    { cause: error },
  );
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
