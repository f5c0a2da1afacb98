import { assertCloneable, isThenable, type PatchOp, StateSyncError } from '@statesync/core';
import { create, current, isDraft } from 'mutative';
import { findAction } from '../store/define-store.js';
import type { AnyStoreDefinition } from '../types.js';
import { toJsonSafe } from '../wire/json-safe.js';
import { isJsonPlain } from '../wire/json-text.js';
import { isUnsafeKey } from './safe-args.js';

/**
 * Throws `not_cloneable` naming `path` when the links cannot carry `value`: what a change or
 * a result holds must reach every client, or the call would end in a timeout.
 */
export type CarryCheck = (value: unknown, path: string) => void;

/** What a JSON medium can carry: checked by encoding it, as the link will. */
export const jsonCarry: CarryCheck = (value, path) => {
  toJsonSafe(value, path);
};

export interface ActionOutcome<S> {
  /** The next state; the same object when the action changed nothing. */
  state: S;
  /** The JSON patches from the previous state to the next, empty when nothing changed. */
  ops: PatchOp[];
  /** What the action returned, detached from the draft. */
  value: unknown;
  /** Whether every value the patches write is plain JSON data (see `isJsonPlain`). */
  plain: boolean;
}

/**
 * Runs one action on a mutative draft of `state` and records the patches. All or nothing: when
 * the action throws, returns a promise (actions must be synchronous), returns or writes into
 * the state something the links cannot carry (`carry`), or writes a key that reaches a
 * prototype, the error propagates and `state` is untouched.
 */
export function runAction<S>(
  definition: AnyStoreDefinition,
  state: S,
  name: string,
  args: readonly unknown[],
  carry: CarryCheck = assertCloneable,
): ActionOutcome<S> {
  const action = findAction(definition, name);
  if (!action) {
    throw new StateSyncError(
      'invalid_option',
      `store "${definition.name}" has no action "${String(name)}"`,
    );
  }
  let value: unknown;
  const [next, patches] = create(
    state,
    (draft) => {
      const returned = action(draft, ...args);
      if (isThenable(returned)) {
        throw new StateSyncError(
          'invalid_option',
          `${definition.name}.${name} returned a promise: actions must be synchronous ` +
            '(do asynchronous work in onServer and call spawn when it is done)',
        );
      }
      // The draft is revoked once the recipe ends; a value that holds parts of it must be
      // copied out now.
      value = detach(returned, new Map());
      // Checked before the change is kept: a result that cannot reach the caller fails the call.
      // Plain data (and `undefined`, what most actions return) travels on every medium.
      if (value !== undefined && !isJsonPlain(value)) {
        carry(value, `${definition.name}.${name} result`);
      }
    },
    { enablePatches: true },
  );
  const ops = patches as PatchOp[];
  const where = (op: PatchOp) => `${definition.name}.${name} state${pathText(op.path)}`;
  for (const op of ops) {
    if (op.path.some(isUnsafeKey)) {
      throw new StateSyncError(
        'invalid_option',
        `${where(op)}: the action wrote a key that reaches a prototype`,
        { reason: 'unsafe_key' },
      );
    }
  }
  const written = ops.filter((op) => 'value' in op).map((op) => op.value);
  // Plain data travels on every medium; anything else is checked the way the links carry it.
  const plain = isJsonPlain(written);
  if (!plain) {
    try {
      // One check for the whole change; only a failure pays for finding the op at fault.
      carry(written, `${definition.name}.${name} state`);
    } catch (error) {
      for (const op of ops) if ('value' in op) carry(op.value, where(op));
      throw error;
    }
  }
  return { state: next as S, ops, value, plain };
}

const pathText = (path: readonly (string | number)[]) =>
  path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('');

/** `value` with every draft inside it replaced by a plain copy of its current state. */
function detach(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isDraft(value)) return current(value);
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    let changed = false;
    for (const item of value) {
      const detached = detach(item, seen);
      changed ||= detached !== item;
      copy.push(detached);
    }
    if (!changed) seen.set(value, value);
    return changed ? copy : value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  let changed = false;
  for (const key of Object.keys(record)) {
    const detached = detach(record[key], seen);
    changed ||= detached !== record[key];
    copy[key] = detached;
  }
  if (!changed) seen.set(value, value);
  return changed ? copy : value;
}
