import { StateSyncError } from './errors.js';
import { isForbiddenKey, isPlainObject } from './plain-object.js';
import type { PatchOp } from './types.js';

type Segment = string | number;
type Container = Record<PropertyKey, unknown> | unknown[];

const INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Applies `ops` in order and returns the new state; `data` is never mutated, even when an op
 * fails part-way. Only the objects and arrays along each op's path are copied, so everything
 * else keeps its identity, and a container is copied at most once per call however many ops
 * touch it. Inserted values are used as given (not cloned) and never mutated by later ops.
 *
 * - `add`: on an object sets the key; on an array inserts at the index, where the length or
 *   `'-'` appends. With an empty path the value becomes the new root.
 * - `replace`: the key or index must exist; on an array the last segment may be `'length'` to
 *   truncate it (never to extend it). With an empty path the value becomes the new root.
 * - `remove`: deletes an existing key, or splices an existing index out of an array.
 *
 * Paths go through plain objects and arrays only. Array indexes may be numbers or canonical
 * numeric strings. Throws a `protocol` {@link StateSyncError} naming the op and path for an
 * unknown op, a path through a missing value, a primitive or another kind of object (Date, Map,
 * class instance), an index past the end (no sparse arrays), a `length` that would extend an
 * array, a missing key, or a `__proto__`, `constructor` or `prototype` segment.
 */
export function applyPatch<T>(data: T, ops: readonly PatchOp[]): T {
  if (!Array.isArray(ops)) throw new StateSyncError('protocol', 'patch ops must be an array');
  // Containers created by this call: the only ones it may write to. A plain Set, which lives
  // only as long as the call: cheaper to make and to collect than a WeakSet. One op visits each
  // container on its path once, so it needs no record of what it copied.
  const fresh = ops.length > 1 ? new Set<object>() : undefined;
  const writable = <C extends Container>(value: C): C => {
    if (fresh?.has(value)) return value;
    const copy = (Array.isArray(value) ? value.slice() : shallowCopy(value)) as C;
    fresh?.add(copy);
    return copy;
  };
  let root: unknown = data;
  for (let i = 0; i < ops.length; i++) root = applyOp(root, ops[i], i, writable, undefined);
  return root as T;
}

/**
 * Applies `ops` to `target` itself, in order: the in-place counterpart of {@link applyPatch}
 * for stores whose state is a mutable (often reactive) object, such as Vue, Pinia, Valtio or
 * MobX state. Only the containers and keys along each op's path are read or written, so a
 * change to one item of a long list touches that item alone.
 *
 * All or nothing: when an op fails, the ops before it are undone (in reverse order) and the
 * same `protocol` {@link StateSyncError} as `applyPatch` throws is rethrown. An op with an
 * empty path cannot replace the target in place and fails.
 */
export function applyPatchInPlace(target: object, ops: readonly PatchOp[]): void {
  if (!Array.isArray(ops)) throw new StateSyncError('protocol', 'patch ops must be an array');
  const undo: (() => void)[] = [];
  try {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (op && Array.isArray(op.path) && op.path.length === 0) {
        throw new StateSyncError(
          'protocol',
          `patch op #${i} (${describe(op.op)} at []): cannot replace the root in place`,
        );
      }
      applyOp(target, op, i, same, undo);
    }
  } catch (error) {
    for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
    throw error;
  }
}

const same = <C extends Container>(value: C): C => value;

/** Applies one op. `undo`, when given, receives a step that reverts the op's write. */
function applyOp(
  root: unknown,
  op: PatchOp | undefined,
  index: number,
  writable: <C extends Container>(value: C) => C,
  undo: (() => void)[] | undefined,
): unknown {
  if (typeof op !== 'object' || op === null) {
    throw new StateSyncError('protocol', `patch op #${index} is not an object: ${describe(op)}`);
  }
  const { op: kind, path } = op;
  const fail = (reason: string) =>
    new StateSyncError(
      'protocol',
      `patch op #${index} (${describe(kind)} at ${describe(path)}): ${reason}`,
    );
  if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') throw fail('unknown op');
  if (!Array.isArray(path)) throw fail('path must be an array');
  for (const segment of path as unknown[]) {
    if (
      typeof segment === 'number'
        ? !(Number.isInteger(segment) && segment >= 0)
        : typeof segment !== 'string'
    ) {
      throw fail(
        `path segment ${describe(segment)} is neither a string nor a non-negative integer`,
      );
    }
    if (isForbiddenKey(segment as string)) throw fail(`path segment "${segment}" is not allowed`);
  }

  if (path.length === 0) {
    if (kind === 'remove') throw fail('cannot remove the root');
    return op.value;
  }
  if (!isContainer(root)) throw fail(`the root is ${typeName(root)}, not a plain object or array`);

  const newRoot = writable(root);
  let parent: Container = newRoot;
  for (let depth = 0; depth < path.length - 1; depth++) {
    const segment = path[depth]!;
    const key = existingKey(parent, segment);
    if (key === undefined) throw fail(`${describe(path.slice(0, depth + 1))} does not exist`);
    const child = (parent as Record<PropertyKey, unknown>)[key];
    if (!isContainer(child)) {
      throw fail(
        `${describe(path.slice(0, depth + 1))} is ${typeName(child)}, not a plain object or array`,
      );
    }
    const copy = writable(child);
    if (copy !== child) (parent as Record<PropertyKey, unknown>)[key] = copy;
    parent = copy;
  }

  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) applyToArray(parent, kind, last, op.value, fail, undo);
  else applyToObject(parent, kind, String(last), op.value, fail, undo);
  return newRoot;
}

function applyToArray(
  array: unknown[],
  kind: PatchOp['op'],
  segment: Segment,
  value: unknown,
  fail: (reason: string) => StateSyncError,
  undo: (() => void)[] | undefined,
): void {
  if (kind === 'add' && segment === '-') {
    array.push(value);
    undo?.push(() => array.pop());
    return;
  }
  if (kind === 'replace' && segment === 'length') {
    const length = array.length;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw fail(`array length must be a non-negative integer, got ${describe(value)}`);
    }
    // Only truncation: extending would let a few bytes of delta allocate gigabytes.
    if (value > length) {
      throw fail(
        `array length ${value} would extend an array of length ${length}; only truncation is allowed`,
      );
    }
    if (value === length) return;
    if (undo) {
      const removed = array.slice(value);
      undo.push(() => {
        array.length = Math.min(array.length, value);
        for (const item of removed) array.push(item);
      });
    }
    array.length = value;
    return;
  }
  const index =
    typeof segment === 'number' ? segment : INDEX.test(segment) ? Number(segment) : undefined;
  if (index === undefined) throw fail(`"${segment}" is not an array index`);
  const limit = kind === 'add' ? array.length : array.length - 1;
  if (index > limit)
    throw fail(`index ${index} is out of range for an array of length ${array.length}`);
  const previous = array[index];
  if (kind === 'add') {
    array.splice(index, 0, value);
    undo?.push(() => array.splice(index, 1));
  } else if (kind === 'replace') {
    array[index] = value;
    undo?.push(() => {
      array[index] = previous;
    });
  } else {
    array.splice(index, 1);
    undo?.push(() => array.splice(index, 0, previous));
  }
}

function applyToObject(
  object: Record<PropertyKey, unknown>,
  kind: PatchOp['op'],
  key: string,
  value: unknown,
  fail: (reason: string) => StateSyncError,
  undo: (() => void)[] | undefined,
): void {
  const had = Object.hasOwn(object, key);
  if (kind !== 'add' && !had) throw fail(`key "${key}" does not exist`);
  const previous = object[key];
  if (kind === 'remove') delete object[key];
  else object[key] = value;
  // Only once the write went through: undoing a write the object refused would throw again.
  undo?.push(() => {
    if (had) object[key] = previous;
    else delete object[key];
  });
}

function existingKey(parent: Container, segment: Segment): PropertyKey | undefined {
  if (Array.isArray(parent)) {
    const index =
      typeof segment === 'number' ? segment : INDEX.test(segment) ? Number(segment) : -1;
    return index >= 0 && index < parent.length ? index : undefined;
  }
  const key = String(segment);
  return Object.hasOwn(parent, key) ? key : undefined;
}

function shallowCopy(object: Record<PropertyKey, unknown>): Record<PropertyKey, unknown> {
  // Spread defines data properties, so an own "__proto__" key stays a plain key.
  const copy = { ...object };
  if (Object.getPrototypeOf(object) === null) Object.setPrototypeOf(copy, null);
  return copy;
}

/** Arrays and plain objects: what JSON and structured clone produce, and all a patch may enter. */
function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || isPlainObject(value);
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an exotic object';
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
