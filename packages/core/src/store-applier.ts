import { StateSyncError } from './errors.js';
import { applyPatch } from './patch.js';
import { isForbiddenKey, isPlainObject } from './plain-object.js';
import type { PatchEnvelope, PatchOp, SnapshotApplier, SnapshotEnvelope } from './types.js';

/**
 * - `'patch'`: writes the snapshot's top-level keys and removes the keys an earlier snapshot had
 *   and this one lacks. Keys the authority never sent are left alone.
 * - `'replace'`: the synced part of the state becomes exactly the snapshot; every synced key the
 *   snapshot lacks is removed.
 */
export type ApplyMode = 'patch' | 'replace';

/** Options every framework applier (`@statesync/pinia`, `zustand`, ...) accepts. */
export interface StoreApplierOptions<Data, State> {
  /** @default 'patch' */
  mode?: ApplyMode;
  /**
   * Only these top-level keys are synced; every other key is local and never written or removed.
   */
  pickKeys?: readonly Extract<keyof State, string>[];
  /** These top-level keys are local-only: never written or removed. Ignored with `pickKeys`. */
  omitKeys?: readonly Extract<keyof State, string>[];
  /**
   * Maps the snapshot's data to the state to write. Deltas are then applied to the last snapshot's
   * data and mapped again; keys whose mapped value kept its identity are not written.
   */
  toState?: (data: Data) => Partial<State>;
}

/** What a framework applier hands to {@link createStoreApplier}: how to read and write its store. */
export interface StoreBinding {
  /** The store's current state. */
  read(): unknown;
  /**
   * Sets `set` and deletes `remove` (top-level keys) as one update: one notification. All or
   * nothing, like `patch`: a store written in place applies {@link mergeOps} with
   * `applyPatchInPlace`, so a key it refuses (a MobX computed, a getter without setter, a setter
   * that throws) undoes the keys written before it.
   */
  merge(set: Record<string, unknown>, remove: readonly string[]): void;
  /**
   * Applies ops whose paths start at the state root and whose first segment is a synced key, as one
   * update. Must be all or nothing: `applyPatch` for immutable stores, `applyPatchInPlace` for
   * mutable ones.
   */
  patch(ops: readonly PatchOp[]): void;
  /**
   * Replaces the whole state, for stores that may hold a value other than an object (a Svelte
   * store, a Jotai atom, a Vue ref). Used in `'replace'` mode without `pickKeys`/`omitKeys` when a
   * snapshot's data is not a plain object, and for delta ops on the root.
   */
  replace?(value: unknown): void;
  /**
   * What the store does with the values written to it:
   * - `'shared'`: keeps them as given and never mutates them (immutable stores).
   * - `'adopted'`: keeps them and mutates them later (Vue's `reactive`, Pinia, Valtio). Plain
   *   objects and arrays are then deep-copied before `merge`, `patch` or `replace` sees them, so
   *   in-place writes never reach the snapshot or event the engine was given, which an
   *   in-process authority shares with every other window.
   * - `'converted'`: makes its own copies (MobX observables).
   *
   * With `'adopted'` and `'converted'` the store holds other objects than the ones given, so a
   * key is skipped as unchanged when it was given this very value (`toState` keeps identity).
   * @default 'shared'
   */
  values?: 'shared' | 'adopted' | 'converted';
}

/**
 * Builds a {@link SnapshotApplier} from a store binding: the shared logic of every framework
 * applier (modes, `pickKeys`/`omitKeys`, `toState`, delta filtering). Functions in the state
 * (actions) are never removed: a snapshot cannot carry them.
 */
export function createStoreApplier<Data, State>(
  binding: StoreBinding,
  options: StoreApplierOptions<Data, State> = {},
): SnapshotApplier<Data> {
  const { mode = 'patch', pickKeys, omitKeys, toState } = options;
  const copies = binding.values === 'adopted';
  const own = copies ? copyPlain : <V>(value: V): V => value;
  if (mode !== 'patch' && mode !== 'replace') {
    throw new StateSyncError(
      'invalid_option',
      `mode must be 'patch' or 'replace', got ${String(mode)}`,
    );
  }
  const picked = pickKeys && new Set<string>(pickKeys);
  const omitted = !picked && omitKeys?.length ? new Set<string>(omitKeys) : undefined;
  const isSynced = (key: string) => (picked ? picked.has(key) : !omitted?.has(key));
  const filtered = picked !== undefined || omitted !== undefined;

  /** The synced top-level keys the authority sent, so a `'patch'`-mode snapshot can remove them. */
  let written = new Set<string>();
  /** For a store holding its own copies: the value given for each key. */
  const given =
    binding.values === 'adopted' || binding.values === 'converted'
      ? new Map<string, unknown>()
      : undefined;
  /** The last snapshot's data, kept only with `toState` (deltas are applied to it). */
  let source: { data: Data } | undefined;

  const write = (value: unknown) => {
    if (!isPlainObject(value)) {
      if (mode === 'replace' && !filtered && binding.replace) {
        binding.replace(own(value));
        written = new Set();
        given?.clear();
        return;
      }
      throw new StateSyncError(
        'apply_failed',
        `snapshot data is ${typeName(value)}, not a plain object: a store can merge only objects ` +
          '(map it with toState, or use replace mode without pickKeys/omitKeys)',
      );
    }
    const current = binding.read();
    const held =
      typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : {};
    const next = new Set<string>();
    const set: Record<string, unknown> = {};
    let changed = false;
    for (const key of Object.keys(value)) {
      if (!isSynced(key)) continue;
      if (isForbiddenKey(key)) {
        throw new StateSyncError('protocol', `snapshot key "${key}" is not allowed`);
      }
      const item = value[key];
      next.add(key);
      // What the store already holds is not written again (whoever wrote it). A store holding
      // copies holds the value when it was given this very value.
      if (Object.hasOwn(held, key) && Object.is(given?.get(key) ?? held[key], item)) continue;
      set[key] = own(item);
      changed = true;
    }
    const remove: string[] = [];
    for (const key of mode === 'replace' ? Object.keys(held) : written) {
      if (next.has(key) || !isSynced(key)) continue;
      if (Object.hasOwn(held, key) && typeof held[key] !== 'function') remove.push(key);
    }
    if (changed || remove.length > 0) binding.merge(set, remove);
    written = next;
    if (given) {
      for (const key of Object.keys(set)) given.set(key, value[key]);
      for (const key of remove) given.delete(key);
    }
  };

  const applySnapshot = (data: Data) => {
    if (!toState) return write(data);
    write(toState(data));
    source = { data };
  };

  /** Native ops, filtered to synced keys, in one `binding.patch` call (or one write). */
  const applyOps = (ops: readonly PatchOp[]) => {
    // A root op overwrites everything before it, so a delta holding one is a snapshot of its
    // value with the later ops applied: still one write, and all or nothing.
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i];
      if (Array.isArray(op?.path) && op.path.length === 0 && op.op !== 'remove') {
        return write(applyPatch(op.value, ops.slice(i + 1)));
      }
    }
    const run: PatchOp[] = [];
    // The written keys after these ops, so a later 'patch'-mode snapshot removes the right ones.
    const next = new Set(written);
    for (const op of ops) {
      const path = op?.path;
      const key = Array.isArray(path) && path.length > 0 ? String(path[0]) : undefined;
      if (key !== undefined && !isSynced(key)) continue;
      run.push(op);
      if (key === undefined) continue;
      if (op.op === 'remove' && path.length === 1) next.delete(key);
      else next.add(key);
    }
    if (run.length === 0) return;
    binding.patch(copies ? run.map(copyOpValue) : run);
    written = next;
    for (const op of run) if (op.path.length > 0) given?.delete(String(op.path[0]));
  };

  return {
    apply(snapshot: SnapshotEnvelope<Data>) {
      applySnapshot(snapshot.data);
    },
    applyPatch(patch: PatchEnvelope) {
      if (!toState) return applyOps(patch.ops);
      if (!source) {
        throw new StateSyncError('apply_failed', 'a delta arrived before the first snapshot');
      }
      // Mapped state cannot take the ops directly: patch the source, then map it again.
      applySnapshot(applyPatch(source.data, patch.ops));
    },
  };
}

/**
 * A merge of top-level keys as patch ops: `add` for each key of `set`, then `remove` for each key
 * of `remove`. With `applyPatchInPlace` it is an all-or-nothing merge into a mutable store.
 */
export function mergeOps(set: Record<string, unknown>, remove: readonly string[]): PatchOp[] {
  const ops: PatchOp[] = Object.keys(set).map((key) => ({
    op: 'add',
    path: [key],
    value: set[key],
  }));
  for (const key of remove) ops.push({ op: 'remove', path: [key] });
  return ops;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  return 'an object that is not plain';
}

function copyOpValue(op: PatchOp): PatchOp {
  if (typeof op !== 'object' || op === null || !('value' in op)) return op;
  const value = copyPlain(op.value);
  return value === op.value ? op : { ...op, value };
}

/** Deep-copies plain objects and arrays (shared parts stay shared, cycles allowed); other values as they are. */
function copyPlain<V>(value: V, seen = new Map<object, unknown>()): V {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known as V;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(copyPlain(item, seen));
    return copy as V;
  }
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> =
    Object.getPrototypeOf(value) === null ? Object.create(null) : {};
  seen.set(value, copy);
  for (const key of Object.keys(value)) {
    const item = copyPlain(value[key], seen);
    // Defined, not assigned, so an own "__proto__" key stays a plain key.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, {
        value: item,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      copy[key] = item;
    }
  }
  return copy as V;
}
