import { type Revision, StateSyncError, type Unsubscribe } from '@statesync/core';
import type { AuthorityHost } from '../authority/authority-host.js';
import { runAction } from '../authority/run-action.js';
import type { AppliedCall, ServerStore } from '../authority/server-store.js';
import {
  DEVTOOLS_COMMAND,
  DEVTOOLS_EVENT,
  type DevtoolsEvent,
  type DevtoolsRequest,
} from './devtools-protocol.js';

/** The DevTools side of one authority: each store's recent calls, its watchers, its commands. */
export interface DevtoolsServer {
  /** Hears `store`'s events, starting with an `init`; in the authority's own process. */
  watch(store: string, listener: (event: DevtoolsEvent) => void): Unsubscribe;
  /** Runs a panel's command; the answer of `skip` is the replayed states. */
  command(request: DevtoolsRequest): unknown;
  dispose(): void;
}

/** One store as DevTools sees it. */
interface Tracked {
  store: ServerStore;
  /** Where the panels' history starts: the state before `calls`. */
  start: { revision: Revision; state: object };
  /** The calls since `start`, newest last, at most `maxAge`. */
  calls: AppliedCall[];
  paused: boolean;
  watchers: Set<(event: DevtoolsEvent) => void>;
  off: Unsubscribe;
}

const isState = (value: unknown): value is object => typeof value === 'object' && value !== null;

export function createDevtoolsServer(host: AuthorityHost, maxAge: number): DevtoolsServer {
  const tracked = new Map<string, Tracked>();
  /** Watches of clients, by `clientId` and store. */
  const remote = new Map<string, Unsubscribe>();

  const emit = (entry: Tracked, event: DevtoolsEvent) => {
    for (const watcher of [...entry.watchers]) watcher(event);
  };
  const initOf = (entry: Tracked): DevtoolsEvent => ({
    kind: 'init',
    store: entry.store.definition.name,
    ...entry.start,
  });
  const restart = (entry: Tracked) => {
    entry.calls = [];
    entry.start = { revision: entry.store.authority.getRevision(), state: entry.store.live };
    emit(entry, initOf(entry));
  };

  const record = (entry: Tracked, call: AppliedCall) => {
    if (entry.paused) return;
    entry.calls.push(call);
    if (entry.calls.length > maxAge) {
      const oldest = entry.calls.shift()!;
      entry.start = { revision: oldest.revision, state: oldest.after };
    }
    const { store, action, args, ops, revision, clientId, durationMs } = call;
    emit(entry, {
      kind: 'call',
      store,
      action,
      args,
      patches: ops,
      revision,
      clientId,
      durationMs: Math.round(durationMs * 100) / 100,
    });
  };

  const track = (name: string): Tracked => {
    const known = tracked.get(name);
    if (known) return known;
    const store = host.getStore(name);
    if (!store)
      throw new StateSyncError('invalid_option', `store "${name}" is not on the authority`);
    const entry: Tracked = {
      store,
      start: { revision: store.authority.getRevision(), state: store.live },
      calls: [],
      paused: false,
      watchers: new Set(),
      off: () => {},
    };
    entry.off = store.observe((call) => record(entry, call));
    tracked.set(name, entry);
    return entry;
  };

  const watch = (name: string, listener: (event: DevtoolsEvent) => void): Unsubscribe => {
    const entry = track(name);
    const own = (event: DevtoolsEvent) => listener(event);
    entry.watchers.add(own);
    own(initOf(entry));
    return () => {
      entry.watchers.delete(own);
      if (entry.watchers.size > 0 || tracked.get(name) !== entry) return;
      entry.off();
      tracked.delete(name);
    };
  };

  /** The state a panel points at: the authority's own copy when it still has it. */
  const stateOf = (entry: Tracked, revision: Revision | undefined, given: unknown): object => {
    if (revision === entry.start.revision) return entry.start.state;
    for (let i = entry.calls.length - 1; i >= 0; i--) {
      if (entry.calls[i]!.revision === revision) return entry.calls[i]!.after;
    }
    if (isState(given)) return given;
    throw new StateSyncError(
      'invalid_option',
      `store "${entry.store.definition.name}" has no state at revision ${revision} any more`,
    );
  };

  /** The live state becomes `state`, and every panel starts over there. */
  const replace = (entry: Tracked, state: unknown) => {
    if (!isState(state)) {
      throw new StateSyncError('invalid_option', 'a store state must be an object or an array');
    }
    entry.store.travel(undefined);
    if (state !== entry.store.live) entry.store.authority.set(state);
    restart(entry);
  };

  /** The states had the `skipped` revisions' calls not run; shows the last of them. */
  const skip = (entry: Tracked, skipped: ReadonlySet<Revision>) => {
    const { definition } = entry.store;
    let state = entry.start.state;
    const replayed: Record<Revision, unknown> = { [entry.start.revision]: state };
    for (const call of entry.calls) {
      if (!skipped.has(call.revision)) {
        try {
          state = runAction(definition, state, call.action, call.args).state;
        } catch {
          // A call that fails without the skipped ones changes nothing in this history.
        }
      }
      replayed[call.revision] = state;
    }
    entry.store.travel(skipped.size === 0 ? undefined : state);
    return replayed;
  };

  const command = (request: DevtoolsRequest): unknown => {
    const entry = track(request.store);
    switch (request.command) {
      case 'watch':
      case 'unwatch':
        throw new StateSyncError('invalid_option', `"${request.command}" needs a client`);
      case 'travel':
        return entry.store.travel(stateOf(entry, request.revision, request.state));
      case 'live':
        return entry.store.travel(undefined);
      case 'commit':
        return replace(entry, entry.store.handle.getState());
      case 'rollback':
        return replace(entry, stateOf(entry, request.revision, request.state));
      case 'reset':
        return replace(entry, entry.store.definition.state());
      case 'import':
        return replace(entry, request.state);
      case 'pause':
        entry.paused = request.paused === true;
        if (!entry.paused) restart(entry);
        return;
      case 'skip':
        return skip(entry, new Set(request.revisions));
    }
    throw new StateSyncError('invalid_option', `unknown DevTools command "${String(request)}"`);
  };

  const fromClient = (payload: unknown, clientId: string) => {
    const request = payload as DevtoolsRequest;
    if (typeof request?.store !== 'string' || typeof request.command !== 'string') {
      throw new StateSyncError('protocol', 'a DevTools command needs a store and a command');
    }
    const key = `${clientId}\n${request.store}`;
    if (request.command === 'unwatch' || request.command === 'watch') {
      remote.get(key)?.();
      remote.delete(key);
      if (request.command === 'unwatch') return;
      const stop = watch(request.store, (event) => {
        // A client that is gone is forgotten at its first missed event.
        if (host.notify(clientId, DEVTOOLS_EVENT, event)) return;
        remote.get(key)?.();
        remote.delete(key);
      });
      remote.set(key, stop);
      return;
    }
    return command(request);
  };
  const offCommands = host.channel.listen(DEVTOOLS_COMMAND, (payload, from) =>
    fromClient(payload, from.clientId),
  );

  return {
    watch,
    command,
    dispose() {
      offCommands();
      for (const stop of remote.values()) stop();
      remote.clear();
      for (const entry of tracked.values()) entry.off();
      tracked.clear();
    },
  };
}
