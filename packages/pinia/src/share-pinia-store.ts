import { type BindStoreOptions, type BoundStore, bindStore } from '@statesync/shared';
import { toRaw } from 'vue';

/** The part of a Pinia store sharing uses (any store `useXStore()` returns). */
export interface PiniaStoreLike {
  readonly $id: string;
  readonly $state: object;
  $patch(mutate: (state: Record<string, unknown>) => void): void;
}

/** The store's actions: its own function-valued properties, minus Pinia's `$` and `_` ones. */
function actionsOf(store: PiniaStoreLike): Record<string, (...args: never[]) => unknown> {
  const actions: Record<string, (...args: never[]) => unknown> = {};
  for (const key of Object.keys(store)) {
    const value = (store as unknown as Record<string, unknown>)[key];
    if (typeof value === 'function' && !key.startsWith('$') && !key.startsWith('_')) {
      actions[key] = value as (...args: never[]) => unknown;
    }
  }
  return actions;
}

/**
 * Shares an existing Pinia store across windows in one call. Its actions run on the authority
 * only; in every window they become methods that return a promise, resolved once this window
 * shows the change, and the window's state mirrors the authority's (getters follow). `share`
 * defaults to SharedTab (the tabs elect one to run the actions):
 *
 * ```ts
 * import { defineStore } from 'pinia';
 * import { sharePiniaStore } from '@statesync/pinia/shared';
 *
 * const useTodos = defineStore('todos', {
 *   state: () => ({ items: [] as string[] }),
 *   actions: { add(text: string) { this.items.push(text); } },
 * });
 * sharePiniaStore(useTodos(), { name: 'todos' });
 * ```
 */
export function sharePiniaStore(store: PiniaStoreLike, options: BindStoreOptions): BoundStore {
  const actions = actionsOf(store);
  const target = store as unknown as Record<string, unknown>;
  return bindStore(
    {
      read: () => structuredClone(toRaw(store.$state)),
      write: (data) =>
        store.$patch((state) => {
          for (const key of Object.keys(state)) if (!(key in data)) delete state[key];
          Object.assign(state, structuredClone(data));
        }),
      actions,
      replaceActions(methods) {
        for (const [key, method] of Object.entries(methods)) target[key] = method;
        return () => Object.assign(target, actions);
      },
    },
    options,
  );
}
