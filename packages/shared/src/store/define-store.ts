import { StateSyncError } from '@statesync/core/base';
import type { Draft } from 'mutative';
import type { AnyStoreDefinition, StoreDefinition } from '../types.js';

const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Defines a store once, for the authority and every page to import: its name, a function
 * building its initial state, and actions that change a draft of the state with ordinary
 * mutable code. Each action takes the draft first, then its own arguments, and may return a
 * value, which is what `spawn` resolves with.
 *
 * ```ts
 * const counter = defineStore({
 *   name: 'counter',
 *   state: () => ({ count: 0 }),
 *   actions: {
 *     increase(draft, by: number) {
 *       draft.count += by;
 *       return draft.count;
 *     },
 *   },
 * });
 * ```
 *
 * `optimistic` lists actions that a client page also runs at once on its own copy, so the
 * calling window shows their change before the authority answers; the authority's answer then
 * replaces the guess (see the README's "Optimistic updates"). They must be deterministic and
 * free of side effects: the authority's result is the truth.
 *
 * Throws `invalid_option` for a name that is not made of letters, digits, `_`, `.` and `-`,
 * when `state` or an action is not a function, or when `optimistic` names no action.
 */
export function defineStore<
  S extends object,
  A extends Record<string, (draft: Draft<S>, ...args: never[]) => unknown>,
>(definition: {
  name: string;
  state: () => S;
  actions: A;
  optimistic?: readonly NoInfer<Extract<keyof A, string>>[];
}): StoreDefinition<S, A> {
  const { name, state, actions, optimistic } = definition;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new StateSyncError(
      'invalid_option',
      `store name must be made of letters, digits, "_", "." and "-", got ${JSON.stringify(name)}`,
    );
  }
  if (typeof state !== 'function') {
    throw new StateSyncError('invalid_option', `store "${name}": state must be a function`);
  }
  if (typeof actions !== 'object' || actions === null) {
    throw new StateSyncError('invalid_option', `store "${name}": actions must be an object`);
  }
  for (const [key, action] of Object.entries(actions)) {
    if (typeof action !== 'function') {
      throw new StateSyncError(
        'invalid_option',
        `store "${name}": action "${key}" is not a function`,
      );
    }
  }
  // Every own key of `actions` is a function by now.
  if (
    optimistic !== undefined &&
    !(Array.isArray(optimistic) && optimistic.every((key) => Object.hasOwn(actions, key)))
  ) {
    throw new StateSyncError('invalid_option', `store "${name}": optimistic must list its actions`);
  }
  return Object.freeze({
    name,
    state,
    actions: Object.freeze({ ...actions }),
    optimistic: optimistic && Object.freeze([...optimistic]),
  });
}

/** The action `name` of a definition: own properties only, so `toString` is no action. */
export function findAction(
  definition: AnyStoreDefinition,
  name: unknown,
): ((draft: unknown, ...args: unknown[]) => unknown) | undefined {
  if (typeof name !== 'string' || !Object.hasOwn(definition.actions, name)) return undefined;
  const action = definition.actions[name];
  return typeof action === 'function'
    ? (action as (draft: unknown, ...args: unknown[]) => unknown)
    : undefined;
}
