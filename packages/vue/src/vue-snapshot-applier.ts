import {
  applyPatch,
  applyPatchInPlace,
  createStoreApplier,
  mergeOps,
  type PatchOp,
  type SnapshotApplier,
  StateSyncError,
  type StoreApplierOptions,
  type StoreBinding,
} from '@statesync/core';
import { isReactive, isReadonly, isRef, isShallow, type Ref, toRaw } from 'vue';

/** The state a target holds: a ref's value, or the reactive object itself. */
export type VueState<Target extends object> =
  Target extends Ref<infer Value, infer _> ? Value : Target;

/**
 * Options of {@link createVueSnapshotApplier}: `mode`, `pickKeys`, `omitKeys` and `toState`
 * from `@statesync/core`, with keys checked against the target's state.
 */
export type VueSnapshotApplierOptions<
  Target extends object,
  Data = Partial<VueState<Target>>,
> = StoreApplierOptions<Data, NonNullable<VueState<Target>>>;

/**
 * Writes statesync snapshots and deltas into Vue state: a `reactive()` object, a `ref()` or a
 * `shallowRef()`.
 *
 * - `reactive()`, and a `ref()` holding an object: written in place. Deltas change only the keys
 *   along their paths, so a change to one item of a long list re-runs only the effects that read
 *   that item.
 * - `shallowRef()`: `.value` is replaced by a new object that shares every part the change did
 *   not touch (`applyPatch`), so unchanged items keep their identity.
 * - A `ref()` or `shallowRef()` holding something other than an object (a number, an array, `null`)
 *   gets its `.value` replaced in `'replace'` mode.
 * - `shallowReactive()`: top-level keys are replaced immutably, like a `shallowRef`.
 *
 * A deep `reactive()` or `ref()` mutates the objects it holds, so objects and arrays from
 * snapshots and deltas are copied before they are written there: the engine's snapshots are never
 * changed. A `shallowRef()` and a `shallowReactive()` never mutate them and get them as they are.
 *
 * A delta that does not fit the state leaves it unchanged and throws a `protocol`
 * `StateSyncError`; the engine then pulls a snapshot. Throws an `invalid_option` error for a
 * readonly or non-reactive target.
 *
 * The snapshot's data is typed as a `Partial` of the state, since local-only keys are never sent;
 * with `toState`, it is `toState`'s parameter.
 *
 * @param target The state to write.
 * @param options `mode` (default `'patch'`), `pickKeys`, `omitKeys`, `toState`.
 */
export function createVueSnapshotApplier<Target extends object, Data = Partial<VueState<Target>>>(
  target: Target,
  options: VueSnapshotApplierOptions<Target, Data> = {},
): SnapshotApplier<Data> {
  return createStoreApplier<Data, NonNullable<VueState<Target>>>(bind(target), options);
}

type Writable = Record<string, unknown>;

function bind(target: object): StoreBinding {
  if (isReadonly(target)) throw invalid('a readonly target cannot be written');
  if (isRef(target)) {
    const ref = target as Ref<unknown>;
    return isShallow(ref) ? bindShallowRef(ref) : bindRef(ref);
  }
  if (!isReactive(target)) {
    throw invalid('the target must be a reactive() object, a ref() or a shallowRef()');
  }
  return isShallow(target)
    ? bindShallowReactive(target as Writable)
    : bindReactive(target as Writable);
}

/** Writes a deep-reactive object in place. */
function bindReactive(state: Writable): StoreBinding {
  return {
    read: () => state,
    merge: (set, remove) => applyPatchInPlace(state, mergeOps(set, remove)),
    patch: (ops) => applyPatchInPlace(state, ops),
    // Vue writes through to the raw objects it is given.
    values: 'adopted',
  };
}

/** A `ref()`: its object is written in place; anything else is replaced. */
function bindRef(ref: Ref<unknown>): StoreBinding {
  const replace = (value: unknown) => {
    ref.value = value;
  };
  return {
    read: () => ref.value,
    merge(set, remove) {
      const value = ref.value;
      // An array (or any other value) held before an object snapshot is replaced, not merged into.
      if (isObject(value) && !Array.isArray(value)) bindReactive(value).merge(set, remove);
      else replace(set);
    },
    patch: (ops) => applyPatchInPlace(objectIn(ref), ops),
    replace,
    values: 'adopted',
  };
}

/** A `shallowRef()`: every change is a new value that shares what did not change. */
function bindShallowRef(ref: Ref<unknown>): StoreBinding {
  const replace = (value: unknown) => {
    ref.value = value;
  };
  return {
    read: () => ref.value,
    merge(set, remove) {
      replace(merged(ref.value, set, remove));
    },
    patch: (ops) => replace(applyPatch(objectIn(ref), ops)),
    replace,
  };
}

/** A `shallowReactive()`: only its own keys are reactive, so changed keys get new values. */
function bindShallowReactive(state: Writable): StoreBinding {
  return {
    read: () => state,
    merge: (set, remove) => applyPatchInPlace(state, mergeOps(set, remove)),
    patch(ops) {
      const before: Writable = { ...toRaw(state) };
      const after = applyPatch(before, ops);
      // The changed top-level keys, written in place all or nothing.
      const writes: PatchOp[] = [];
      for (const key of Object.keys(before)) {
        if (!Object.hasOwn(after, key)) writes.push({ op: 'remove', path: [key] });
      }
      for (const key of Object.keys(after)) {
        if (!Object.hasOwn(before, key) || !Object.is(before[key], after[key])) {
          writes.push({ op: 'add', path: [key], value: after[key] });
        }
      }
      applyPatchInPlace(state, writes);
    },
  };
}

function merged(value: unknown, set: Writable, remove: readonly string[]): Writable {
  const next: Writable = { ...(isObject(value) ? value : {}), ...set };
  for (const key of remove) delete next[key];
  return next;
}

/** Delta ops start at an object: a ref holding anything else fails them like a missing path. */
function objectIn(ref: Ref<unknown>): object {
  const value = ref.value;
  if (isObject(value)) return value;
  throw new StateSyncError('protocol', `a delta cannot be applied to ${String(value)} state`);
}

function isObject(value: unknown): value is Writable {
  return typeof value === 'object' && value !== null;
}

function invalid(message: string): StateSyncError {
  return new StateSyncError('invalid_option', message);
}
