import { type BindStoreOptions, type BoundStore, bindStore } from '@statesync/shared';

/** The part of a Zustand store sharing uses: `createStore`'s store or the hook `create` returns. */
export interface ZustandStoreApi<State> {
  getState(): State;
  setState(state: State, replace: true): void;
  setState(partial: Partial<State>): void;
}

const split = (state: object) => {
  const data: Record<string, unknown> = {};
  const actions: Record<string, (...args: never[]) => unknown> = {};
  for (const [key, value] of Object.entries(state)) {
    if (typeof value === 'function') actions[key] = value as (...args: never[]) => unknown;
    else data[key] = value;
  }
  return { data, actions };
};

/**
 * Shares an existing Zustand store across windows in one call. Its actions (the functions in its
 * state) run on the authority only; in every window they become methods that return a promise,
 * resolved once this window shows the change, and the window's store mirrors the authority's
 * data. `share` defaults to SharedTab (the tabs elect one to run the actions):
 *
 * ```ts
 * import { createStore } from 'zustand/vanilla';
 * import { shareZustandStore } from '@statesync/zustand/shared';
 *
 * const todos = createStore<{ items: string[]; add(text: string): void }>()((set) => ({
 *   items: [],
 *   add: (text) => set((state) => ({ items: [...state.items, text] })),
 * }));
 * shareZustandStore(todos, { name: 'todos' });
 * ```
 */
export function shareZustandStore<State extends object>(
  store: ZustandStoreApi<State>,
  options: BindStoreOptions,
): BoundStore {
  const { actions } = split(store.getState() as object);
  const writeData = (data: object) => {
    const current = split(store.getState() as object);
    store.setState({ ...current.actions, ...data } as State, true);
  };
  return bindStore(
    {
      read: () => split(store.getState() as object).data,
      write: writeData,
      actions,
      replaceActions(methods) {
        store.setState(methods as unknown as Partial<State>);
        return () => store.setState(actions as unknown as Partial<State>);
      },
    },
    options,
  );
}
