import { StateSyncError } from '@statesync/core';

/**
 * Whether `value` comes back from `JSON.parse(JSON.stringify(value))` exactly as a structured
 * clone would deliver it: strings, booleans, `null`, finite numbers other than `-0`, arrays
 * without holes and plain objects of those. `undefined`, `NaN`, a `Date`, a `Map`, a `Set`, a
 * typed array or any other object makes it false (JSON would drop or change it), and so does
 * nesting deeper than the stack allows.
 */
export function isJsonPlain(value: unknown): boolean {
  try {
    return plain(value);
  } catch {
    return false; // nested too deeply to check: structured clone decides
  }
}

function plain(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      // A hole reads as undefined, which is not plain: JSON would make it null.
      if (!plain(value[index])) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!plain(record[key])) return false;
  return true;
}

/** The marker of a snapshot whose `data` travels as JSON text. */
export const JSON_TEXT = 'json';

/**
 * `data` parsed from the JSON text a snapshot carried. Throws a `protocol` error when it is not
 * text or not JSON, so the pull fails and nothing is applied.
 */
export function parseJsonText(data: unknown, topic: string): unknown {
  if (typeof data !== 'string') {
    throw new StateSyncError('protocol', `snapshot of "${topic}": JSON data must be a string`);
  }
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new StateSyncError('protocol', `snapshot of "${topic}": its JSON data does not parse`, {
      cause: error,
    });
  }
}
