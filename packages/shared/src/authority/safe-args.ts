import { StateSyncError } from '@statesync/core';

/** Names that reach an object's prototype when an action uses them as keys. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** How many values are looked at before the arguments count as too large to check. */
const MAX_VISITS = 1_000_000;

/**
 * Throws `invalid_option` (reason `unsafe_key`) naming the path when `args` hold `__proto__`,
 * `constructor` or `prototype`, as a string or as a key, at any depth. An action that writes
 * `draft.map[key] = value` or walks a path it was given would otherwise reach
 * `Object.prototype` of the authority's realm, or write such keys into the state. Walks without
 * recursion, so a deeply nested value gets an answer too.
 */
export function assertSafeArgs(args: readonly unknown[], name: string): void {
  const stack: [unknown, string][] = [[args, name]];
  const seen = new Set<object>();
  let visits = 0;
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (++visits > MAX_VISITS) {
      throw new StateSyncError('invalid_option', `${name} are too large to check`);
    }
    if (typeof value === 'string') {
      if (UNSAFE.has(value)) refuse(path, `is the string "${value}"`);
      continue;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Map) {
      let index = 0;
      for (const [key, item] of value) {
        stack.push([key, `${path}[map key ${index}]`], [item, `${path}[map value ${index++}]`]);
      }
    } else if (value instanceof Set) {
      let index = 0;
      for (const item of value) stack.push([item, `${path}[set item ${index++}]`]);
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) {
        stack.push([value[index], `${path}[${index}]`]);
      }
    } else {
      for (const key of Object.keys(value)) {
        if (UNSAFE.has(key)) refuse(path, `has a key "${key}"`);
        stack.push([(value as Record<string, unknown>)[key], `${path}.${key}`]);
      }
    }
  }
}

/** Whether a key of a change (a patch path) is one that reaches a prototype. */
export const isUnsafeKey = (key: unknown) => typeof key === 'string' && UNSAFE.has(key);

function refuse(path: string, what: string): never {
  throw new StateSyncError(
    'invalid_option',
    `${path} ${what}, which could reach an object's prototype; such keys are refused in call arguments`,
    { reason: 'unsafe_key' },
  );
}
