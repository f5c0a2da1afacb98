import type { PatchOp } from '@statesync/core';

/**
 * Patches the applier has already applied to check them, keyed by their ops array: the reducer
 * takes the result instead of applying the same ops to the same state a second time. The result
 * is exactly what the reducer would compute, so the reducer stays pure; a replayed or foreign
 * action (another ops array, or another state) is simply computed.
 */
const results = new WeakMap<readonly PatchOp[], { from: unknown; to: unknown }>();

export function rememberPatch(ops: readonly PatchOp[], from: unknown, to: unknown): void {
  results.set(ops, { from, to });
}

/** The remembered result of `ops` on `state`, if that is what was computed. */
export function recallPatch(ops: readonly PatchOp[], state: unknown): { to: unknown } | undefined {
  const result = results.get(ops);
  return result && result.from === state ? result : undefined;
}
