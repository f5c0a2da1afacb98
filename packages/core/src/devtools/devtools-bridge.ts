import { toStateSyncError } from '../errors.js';
import type { Revision } from '../types.js';
import type { DevtoolsConnection, DevtoolsMessage } from './devtools-connection.js';

/** A state the panel points at: the revision it was recorded at, and the panel's own copy. */
export interface DevtoolsTarget {
  /** Undefined for states the authority never had (imported, or recomputed with a skip). */
  revision: Revision | undefined;
  /** The panel's copy, parsed from its JSON; the authority prefers its own exact one. */
  state: unknown;
}

/**
 * What the panel's commands do. They run on the authority, so every window follows; each may
 * return a promise, and a failure is shown in the panel and reported.
 */
export interface DevtoolsCommands {
  /** Show `target` to every window, until `live` or the next call. */
  travel(target: DevtoolsTarget): unknown;
  /** Back to the live state. */
  live(): unknown;
  /** The state shown becomes the live state and the panel's new start. */
  commit(): unknown;
  /** The live state goes back to the panel's start (its last commit). */
  rollback(target: DevtoolsTarget): unknown;
  /** The live state goes back to the store's initial state. */
  reset(): unknown;
  /** The live state becomes `state`, the last state of an imported history. */
  import(state: unknown): unknown;
  /** Stops (true) or resumes (false) recording, for every window. */
  pause(paused: boolean): unknown;
  /**
   * Shows the state as if the `skipped` revisions' actions had not run, replayed on the
   * authority; resolves with the replayed state after each revision it still has.
   */
  skip?(skipped: readonly Revision[]): Promise<Readonly<Record<Revision, unknown>>>;
}

export interface DevtoolsBridgeOptions {
  connection: DevtoolsConnection;
  commands: DevtoolsCommands;
  /** Told about every command that failed. */
  onError?(error: Error): void;
}

/** One panel connection, translated: statesync's changes out, the panel's commands in. */
export interface DevtoolsBridge {
  /** The panel's history starts over at `state` of `revision`. */
  init(state: unknown, revision: Revision): void;
  /** One applied change: `action` (e.g. `{ type: 'add', args, patches }`) and the state after. */
  record(
    action: { type: string; [key: string]: unknown },
    state: unknown,
    revision: Revision,
  ): void;
  /** Stops hearing the panel. Idempotent. */
  dispose(): void;
}

interface LiftedState {
  computedStates?: { state?: unknown }[];
  skippedActionIds?: number[];
  stagedActionIds?: number[];
  [key: string]: unknown;
}

/** The state a panel message carries: JSON text from the extension, a value from a stand-in. */
function parsed(state: unknown): unknown {
  if (typeof state !== 'string') return state;
  try {
    return JSON.parse(state);
  } catch {
    return undefined;
  }
}

export function createDevtoolsBridge(options: DevtoolsBridgeOptions): DevtoolsBridge {
  const { connection, commands } = options;
  /** The revision of each action id of the panel (0 is the start). */
  let revisions: (Revision | undefined)[] = [];
  let paused = false;
  let skipping = false;
  /** An imported history, shown once the authority confirms the import with its new start. */
  let imported: LiftedState | undefined;
  let disposed = false;

  const fail = (error: unknown) => {
    const failure = toStateSyncError(error, 'remote', 'a DevTools command failed');
    connection.error?.(failure.message);
    options.onError?.(failure);
  };
  const run = (command: () => unknown) => {
    try {
      Promise.resolve(command()).catch(fail);
    } catch (error) {
      fail(error);
    }
  };

  const target = (id: number, state: unknown): DevtoolsTarget => ({
    // Once an action is skipped, the states recorded after it are not what the panel shows.
    revision: skipping ? undefined : revisions[id],
    state: parsed(state),
  });

  const skip = async (id: number, state: unknown) => {
    const lifted = parsed(state) as LiftedState | undefined;
    if (!commands.skip || !lifted) throw new Error('skipping actions is not available here');
    const before = lifted.skippedActionIds ?? [];
    const skipped = before.includes(id) ? before.filter((x) => x !== id) : [...before, id];
    const replayed = await commands.skip(
      skipped.map((x) => revisions[x]).filter((revision) => revision !== undefined),
    );
    skipping = skipped.length > 0;
    const staged = lifted.stagedActionIds ?? revisions.map((_, index) => index);
    const computedStates = staged.map((actionId, index) => {
      const revision = revisions[actionId];
      const known = revision === undefined ? undefined : replayed[revision];
      return known === undefined ? (lifted.computedStates?.[index] ?? {}) : { state: known };
    });
    connection.send(null, { ...lifted, skippedActionIds: skipped, computedStates });
  };

  const onCommand = (payload: Record<string, unknown>, state: unknown) => {
    switch (payload.type) {
      case 'JUMP_TO_ACTION':
      case 'JUMP_TO_STATE': {
        const id = Number(payload.actionId ?? payload.index ?? payload.id);
        if (!Number.isInteger(id)) return;
        if (id === revisions.length - 1 && !skipping) return run(commands.live);
        return run(() => commands.travel(target(id, state)));
      }
      case 'ROLLBACK':
        skipping = false;
        return run(() => commands.rollback(target(0, state)));
      case 'COMMIT':
        skipping = false;
        return run(commands.commit);
      case 'RESET':
        skipping = false;
        return run(commands.reset);
      case 'IMPORT_STATE': {
        const lifted = parsed(payload.nextLiftedState) as LiftedState | undefined;
        const states = lifted?.computedStates;
        if (!lifted || !Array.isArray(states) || states.length === 0) return;
        imported = lifted;
        skipping = false;
        return run(() => commands.import(states[states.length - 1]!.state));
      }
      case 'TOGGLE_ACTION':
        return run(() => skip(Number(payload.id), state));
      case 'PAUSE_RECORDING':
        paused = payload.status === true;
        return run(() => commands.pause(paused));
    }
  };

  const listener = (message: DevtoolsMessage) => {
    if (disposed || message?.type !== 'DISPATCH') return;
    const { payload } = message;
    if (typeof payload !== 'object' || payload === null) return;
    onCommand(payload as Record<string, unknown>, message.state);
  };
  const stop = connection.subscribe(listener);

  return {
    init(state, revision) {
      if (disposed) return;
      if (imported) {
        const { computedStates = [] } = imported;
        // The imported actions have no revision here: jumps to them use the panel's states.
        revisions = computedStates.map(() => undefined);
        revisions[revisions.length - 1] = revision;
        connection.send(null, imported);
        imported = undefined;
        return;
      }
      revisions = [revision];
      connection.init(state);
    },
    record(action, state, revision) {
      if (disposed || paused) return;
      revisions.push(revision);
      connection.send(action, state);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (typeof stop === 'function') (stop as () => void)();
      else connection.unsubscribe?.();
    },
  };
}
