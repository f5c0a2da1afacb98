import { StateSyncError } from '@statesync/core/base';
import { defineStore } from '../store/define-store.js';
import type { SharedApp, SharedAppOptions, ShareOptions, StoreHandle } from '../types.js';
import { createSharedApp } from './shared-app.js';

type Method = (...args: never[]) => unknown;

/**
 * A store of another library, as {@link bindStore} sees it. The Zustand and Pinia packages
 * translate their stores into this.
 */
export interface ExternalStore<S extends object> {
  /** The store's data (its state without the actions), as a plain cloneable object. */
  read(): S;
  /** Replaces the store's data with `state` and keeps its actions. */
  write(state: S): void;
  /** The store's own actions, by name; they change the store synchronously. */
  readonly actions: Readonly<Record<string, Method>>;
  /** Puts `methods` where the actions are; returns how to put the actions back. */
  replaceActions(methods: Record<string, (...args: unknown[]) => Promise<unknown>>): () => void;
}

export interface BindStoreOptions extends Omit<SharedAppOptions, 'stores' | 'share'> {
  /** The store's name within the app (its topic is `<app>/<name>`). */
  name: string;
  /**
   * How the windows share it. The authority side of a worker (`port: 'server'`) runs the
   * actions on its own copy of the store; every other side mirrors it.
   * @default { name, type: 'SharedTab' }
   */
  share?: ShareOptions;
}

export interface BoundStore {
  readonly app: SharedApp;
  /** The store's handle; on an authority (`port: 'server'`), `stopped` until `ready`, as `app.store`. */
  readonly handle: StoreHandle;
  /** Settles once this window holds the authority's state. */
  readonly ready: Promise<void>;
  /** Puts the store's own actions back and stops sharing it. */
  dispose(): Promise<void>;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';

const same = (a: unknown, b: unknown) => Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b);

/**
 * Shares an existing store across windows: its actions run on the authority only (in the worker,
 * or in the tab the tabs elected), and every window's copy of the store mirrors the authority's
 * state. On the windows, each action of the store is replaced by a method that calls it on the
 * authority and resolves once this window shows the change, like `spawn`.
 *
 * On the authority, an action runs against that side's copy of the store, first brought to the
 * authority's state, and the top-level keys it changed (compared by identity, then as JSON)
 * become the change every window receives. The data must be plain JSON. An
 * action that throws leaves the store as it was and rejects the caller with `remote`; one that
 * returns a promise is refused (`invalid_option`), as with `defineStore`.
 */
export function bindStore<S extends object>(
  external: ExternalStore<S>,
  options: BindStoreOptions,
): BoundStore {
  const { name, share = { name, type: 'SharedTab' }, ...appOptions } = options;
  const actions: Record<string, (draft: object, ...args: never[]) => unknown> = {};
  for (const [key, action] of Object.entries(external.actions)) {
    actions[key] = (draft, ...args) => {
      // This side's copy may lag behind the authority (a leader tab's mirror is written after
      // each batch): the action starts from the authority's state.
      const base = JSON.stringify(draft);
      if (JSON.stringify(external.read()) !== base) external.write(JSON.parse(base) as S);
      const before = external.read();
      let value: unknown;
      try {
        value = action(...args);
      } catch (error) {
        external.write(before);
        throw error;
      }
      if (isThenable(value)) {
        external.write(before);
        throw new StateSyncError(
          'invalid_option',
          `action "${key}" of store "${name}" returned a promise: only synchronous actions can be shared`,
        );
      }
      const after = external.read() as Record<string, unknown>;
      const target = draft as Record<string, unknown>;
      for (const field of Object.keys(target)) if (!(field in after)) delete target[field];
      for (const [field, next] of Object.entries(after)) {
        if (!same((before as Record<string, unknown>)[field], next)) target[field] = next;
      }
      return value;
    };
  }
  const definition = defineStore({
    name,
    state: (): object => external.read(),
    actions,
  });
  const app = createSharedApp({ ...appOptions, stores: [definition], share });
  const handleOf = () => app.store(definition) as unknown as StoreHandle;
  const undo: (() => void)[] = [];
  if (app.role !== 'server') {
    const handle = handleOf();
    const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    const bound = handle.actions as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const key of Object.keys(actions)) methods[key] = (...args) => bound[key]!(...args);
    undo.push(external.replaceActions(methods));
    undo.push(handle.subscribe((state) => external.write(state as S)));
  }
  return {
    app,
    // An authority (`port: 'server'`) has its store once it serves: read it then, not here.
    get handle() {
      return handleOf();
    },
    ready: app.ready,
    async dispose() {
      for (const step of undo.splice(0).reverse()) step();
      await app.dispose();
    },
  };
}
