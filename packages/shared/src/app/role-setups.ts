import { toStateSyncError, type Unsubscribe } from '@statesync/core/base';
import type { Disposer } from '../types.js';
import type { Report } from '../wire/report.js';

/** The `onServer` or `onClient` callbacks of an app: run while their role is active. */
export interface RoleSetups<C> {
  /** Registers a setup; it runs now if the role is active, else when it becomes so. */
  add(setup: (channel: C) => undefined | Disposer): Unsubscribe;
  /** The role begins: every setup runs with `channel`. */
  start(channel: C): void;
  /** The role ends: every disposer runs; the setups run again on the next `start`. */
  stop(): void;
}

interface Entry<C> {
  setup: (channel: C) => undefined | Disposer;
  dispose: Disposer | undefined;
}

export function createRoleSetups<C>(role: string, report: Report): RoleSetups<C> {
  const entries = new Set<Entry<C>>();
  let channel: C | undefined;

  const fail = (error: unknown, what: string) =>
    report({
      phase: 'listener',
      error: toStateSyncError(error, 'remote', `${role} ${what} threw`),
    });

  const run = (entry: Entry<C>, active: C) => {
    try {
      const dispose = entry.setup(active);
      entry.dispose = typeof dispose === 'function' ? dispose : undefined;
    } catch (error) {
      fail(error, 'setup');
    }
  };
  const end = (entry: Entry<C>) => {
    const { dispose } = entry;
    entry.dispose = undefined;
    try {
      dispose?.();
    } catch (error) {
      fail(error, 'disposer');
    }
  };

  return {
    add(setup) {
      const entry: Entry<C> = { setup, dispose: undefined };
      entries.add(entry);
      if (channel !== undefined) run(entry, channel);
      return () => {
        if (entries.delete(entry)) end(entry);
      };
    },
    start(next) {
      if (channel !== undefined) return;
      channel = next;
      for (const entry of [...entries]) if (entries.has(entry)) run(entry, next);
    },
    stop() {
      if (channel === undefined) return;
      channel = undefined;
      for (const entry of [...entries]) end(entry);
    },
  };
}
