import type { Logger, PatchOp } from '@statesync/core';
import type { AppliedCall } from './server-store.js';

/** Replacements smaller than this many values are never worth a warning. */
const MIN_VALUES = 32;
/** Counting stops here: a huge subtree is huge enough. */
const MAX_VALUES = 10_000;

/**
 * Warns about each patch of a call that replaced a big subtree where a few values changed
 * (`draft.items = draft.items.map(...)` instead of editing the one item): every client then
 * receives the whole subtree, and every part of it gets a new identity.
 */
export function checkPatches(logger: Logger): (call: AppliedCall) => void {
  return (call) => {
    for (const op of call.ops) {
      if (op.op !== 'replace' || typeof op.value !== 'object' || op.value === null) continue;
      const previous = valueAt(call.before, op.path);
      if (typeof previous !== 'object' || previous === null) continue;
      const size = count(op.value, { left: MAX_VALUES });
      if (size < MIN_VALUES) continue;
      const changed = differing(previous, op.value, { left: MAX_VALUES });
      if (changed * 4 > size) continue;
      const path = `/${op.path.join('/')}`;
      logger.warn(
        `${call.store}.${call.action} replaced ${path} (${size} values) where ${changed} changed: ` +
          'change the draft in place so that only the changes travel',
        { store: call.store, action: call.action, path, size, changed },
      );
    }
  };
}

function valueAt(root: unknown, path: PatchOp['path']): unknown {
  let at = root;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

const isContainer = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** How many leaf values `value` holds (at most `budget.left`). */
function count(value: unknown, budget: { left: number }): number {
  if (budget.left <= 0) return 0;
  if (!isContainer(value)) {
    budget.left--;
    return 1;
  }
  let total = 0;
  for (const key of Object.keys(value)) total += count(value[key], budget);
  return total;
}

/** How many leaf values differ between `a` and `b` (at most `budget.left`). */
function differing(a: unknown, b: unknown, budget: { left: number }): number {
  if (Object.is(a, b) || budget.left <= 0) return 0;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) {
    return Math.max(count(b, budget), 1);
  }
  let total = 0;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) total += differing(a[key], b[key], budget);
  return total;
}
