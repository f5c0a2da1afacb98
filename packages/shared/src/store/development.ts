declare const process: { env: { NODE_ENV?: string } };

/**
 * Whether development checks are on by default: unless the build says production. Written as
 * `process.env.NODE_ENV` so that bundlers replace it (and drop the checks from production builds);
 * where there is no `process` at all (an unbundled page), the checks are on.
 */
export function isDevelopment(): boolean {
  try {
    return process.env.NODE_ENV !== 'production';
  } catch {
    return true;
  }
}

/**
 * Freezes `value` and everything in it that is not frozen yet. A state shares its unchanged
 * parts with the one before, which are frozen already: a change costs what it changed.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  // Only plain data: a Map, a Set or a Date would still change through its methods.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
