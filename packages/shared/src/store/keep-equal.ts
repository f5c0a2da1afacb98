import { isPlainObject } from '@statesync/core/base';

/**
 * `next`, except that every part deeply equal to the same part of `previous` is `previous`'s
 * object: a resync that changed one field re-renders only what reads that field.
 */
export function keepEqual(previous: unknown, next: unknown): unknown {
  if (Object.is(previous, next)) return previous;
  if (Array.isArray(previous) && Array.isArray(next)) {
    // Nothing to keep (a first sync of a list that started empty): the new list as it came.
    if (previous.length === 0) return next.length === 0 ? previous : next;
    let same = previous.length === next.length;
    const merged = next.map((item, index) => {
      const kept = index < previous.length ? keepEqual(previous[index], item) : item;
      same &&= kept === previous[index];
      return kept;
    });
    return same ? previous : merged;
  }
  if (isPlainObject(previous) && isPlainObject(next)) {
    const previousKeys = Object.keys(previous);
    const nextKeys = Object.keys(next);
    let same = previousKeys.length === nextKeys.length;
    const merged: Record<string, unknown> = {};
    for (const key of nextKeys) {
      const had = Object.hasOwn(previous, key);
      const kept = had ? keepEqual(previous[key], next[key]) : next[key];
      same &&= had && kept === previous[key];
      if (key === '__proto__') {
        // Defined, not assigned, so an own "__proto__" key stays a plain key.
        Object.defineProperty(merged, key, {
          value: kept,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else {
        merged[key] = kept;
      }
    }
    return same ? previous : merged;
  }
  return next;
}
