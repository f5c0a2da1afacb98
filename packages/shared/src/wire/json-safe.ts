import { isPlainObject, StateSyncError } from '@statesync/core/base';

/**
 * Media that serialise with JSON (an extension's runtime ports) would turn `undefined` into a
 * missing key, `NaN` into `null`, a `Date` into a string and a `Map` into `{}`. These two
 * functions carry such values across as tagged plain objects, so a store's state looks the
 * same on both sides as it does over `postMessage`. Only the parts that need a tag are copied.
 *
 * Supported: JSON values, `undefined`, `NaN`, `±Infinity`, `-0`, `BigInt`, `Date`, `Map`,
 * `Set`, `RegExp`. Anything else (functions, class instances, typed arrays, cycles) throws
 * `not_cloneable` naming its path. Objects shared by two paths arrive as two copies.
 */
const TAG = '$sj';

// The tags: { $sj: 'undefined' }, 'number' ('-0', 'NaN', '±Infinity'), 'bigint' (decimal
// digits), 'date' (a time or null), 'map' ([key, value] pairs), 'set', 'regexp' ([source,
// flags]), and 'object' for a user object that has a `$sj` key of its own.

/** Sets an own key, also one named `__proto__` (which plain assignment would treat as the prototype). */
const put = (target: Record<string, unknown>, key: string, value: unknown) => {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
};

const refuse = (path: string, what: string) =>
  new StateSyncError('not_cloneable', `${path} is ${what}, which cannot travel as JSON`);

/** Encodes `value` for a JSON medium; `name` starts the path in errors (`message.args[0]`). */
export function toJsonSafe(value: unknown, name = 'value'): unknown {
  try {
    return encode(value, name, new Set());
  } catch (error) {
    if (error instanceof RangeError) throw refuse(name, 'nested too deeply');
    throw error;
  }
}

function encode(value: unknown, path: string, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'undefined':
      return { [TAG]: 'undefined' };
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
        ? value
        : { [TAG]: 'number', v: Object.is(value, -0) ? '-0' : String(value) };
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() };
    case 'function':
    case 'symbol':
      throw refuse(path, `a ${typeof value}`);
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.has(object)) throw refuse(path, 'a reference back to its own parent (a cycle)');
  if (object instanceof Date) {
    const time = object.getTime();
    return { [TAG]: 'date', v: Number.isNaN(time) ? null : time };
  }
  if (object instanceof RegExp) return { [TAG]: 'regexp', v: [object.source, object.flags] };
  ancestors.add(object);
  try {
    if (object instanceof Map) {
      let index = 0;
      const entries = [...object].map(([key, item]): [unknown, unknown] => {
        const at = `${path}[map entry ${index++}]`;
        return [encode(key, at, ancestors), encode(item, at, ancestors)];
      });
      return { [TAG]: 'map', v: entries };
    }
    if (object instanceof Set) {
      let index = 0;
      return {
        [TAG]: 'set',
        v: [...object].map((item) => encode(item, `${path}[set item ${index++}]`, ancestors)),
      };
    }
    if (Array.isArray(object)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < object.length; index++) {
        const item: unknown = object[index];
        const encoded = encode(item, `${path}[${index}]`, ancestors);
        if (encoded !== item) copy ??= object.slice(0, index);
        copy?.push(encoded);
      }
      return copy ?? object;
    }
    if (!isPlainObject(object)) {
      const kind = object.constructor?.name;
      throw refuse(path, kind ? `a ${kind}` : 'not a plain object');
    }
    let copy: Record<string, unknown> | undefined;
    const keys = Object.keys(object);
    for (const [index, key] of keys.entries()) {
      const item = object[key];
      const encoded = encode(item, `${path}.${key}`, ancestors);
      if (encoded !== item && !copy) {
        copy = {};
        for (const earlier of keys.slice(0, index)) put(copy, earlier, object[earlier]);
      }
      if (copy) put(copy, key, encoded);
    }
    const result = copy ?? object;
    return Object.hasOwn(object, TAG) ? { [TAG]: 'object', v: result } : result;
  } finally {
    ancestors.delete(object);
  }
}

/**
 * Undoes {@link toJsonSafe} on what a JSON medium delivered. A malformed tag (another sender's
 * bug, or a hostile one) or a value nested deeper than the stack allows throws a `protocol`
 * error; nothing is half decoded.
 */
export function fromJsonSafe(value: unknown): unknown {
  try {
    return decode(value);
  } catch (error) {
    if (error instanceof StateSyncError) throw error;
    throw new StateSyncError('protocol', `a value could not be decoded: ${String(error)}`, {
      cause: error,
    });
  }
}

function decode(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const decoded = decode(item);
      if (decoded !== item) copy ??= value.slice(0, index);
      copy?.push(decoded);
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, TAG)) return decodeTagged(record);
  return decodeEntries(record);
}

function decodeEntries(record: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  const keys = Object.keys(record);
  for (const [index, key] of keys.entries()) {
    const item = record[key];
    const decoded = decode(item);
    if (decoded !== item && !copy) {
      copy = {};
      for (const earlier of keys.slice(0, index)) put(copy, earlier, record[earlier]);
    }
    if (copy) put(copy, key, decoded);
  }
  return copy ?? record;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isPair = (v: unknown): v is [unknown, unknown] => Array.isArray(v) && v.length === 2;

/** What the value of each tag must be; anything else is malformed. */
const VALID: Record<string, (v: unknown) => boolean> = {
  undefined: () => true,
  number: (v) => v === '-0' || v === 'NaN' || v === 'Infinity' || v === '-Infinity',
  bigint: (v) => isString(v) && /^-?\d+$/.test(v),
  date: (v) => v === null || typeof v === 'number',
  regexp: (v) => isPair(v) && isString(v[0]) && isString(v[1]),
  map: (v) => Array.isArray(v) && v.every(isPair),
  set: Array.isArray,
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
};

function decodeTagged(tagged: Record<string, unknown>): unknown {
  const tag = tagged[TAG];
  const v = tagged.v as never;
  if (!isString(tag) || !Object.hasOwn(VALID, tag) || !VALID[tag]!(v)) {
    const what = isString(tag) ? tag.slice(0, 20) : typeof tag;
    throw new StateSyncError('protocol', `malformed JSON tag "${what}"`);
  }
  switch (tag) {
    case 'undefined':
      return undefined;
    case 'number':
      return Number(v);
    case 'bigint':
      return BigInt(v);
    case 'date':
      return new Date(v ?? Number.NaN);
    case 'regexp':
      return new RegExp(v[0], v[1]); // a bad pattern throws: reported as undecodable
    case 'map':
      return new Map((v as [unknown, unknown][]).map(([key, item]) => [decode(key), decode(item)]));
    case 'set':
      return new Set((v as unknown[]).map(decode));
    default:
      return decodeEntries(v);
  }
}
