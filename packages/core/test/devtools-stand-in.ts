// A stand-in for the Redux DevTools extension, speaking its documented `connect` protocol: it
// records what the app sends (init, send of actions, send of a lifted state, error) the way the
// monitor keeps them, and sends DISPATCH commands as the monitor does, with the target state as
// JSON text. Used by the Node tests and bundled into the Chromium fixture.
import type {
  DevtoolsConnect,
  DevtoolsConnection,
  DevtoolsConnectOptions,
  DevtoolsMessage,
} from '../src/devtools.js';

export type Sent =
  | { kind: 'init'; state: unknown }
  | { kind: 'action'; action: { type: string; [key: string]: unknown }; state: unknown }
  | { kind: 'lifted'; state: LiftedState }
  | { kind: 'error'; message: string };

export interface LiftedState {
  actionsById: Record<number, { type: 'PERFORM_ACTION'; action: unknown; timestamp: number }>;
  computedStates: { state: unknown }[];
  stagedActionIds: number[];
  skippedActionIds: number[];
  currentStateIndex: number;
  nextActionId: number;
  committedState: unknown;
}

export interface StandInInstance {
  readonly options: DevtoolsConnectOptions;
  /** Everything the app sent, in order. */
  readonly sent: Sent[];
  /** The monitor's history, as it would show it. */
  lifted(): LiftedState;
  /** The actions' types, in the monitor's order (the start is `@@INIT`). */
  types(): string[];
  jumpToAction(actionId: number): void;
  jumpToState(index: number): void;
  rollback(): void;
  commit(): void;
  reset(): void;
  importState(lifted: LiftedState): void;
  toggleAction(actionId: number): void;
  pause(paused: boolean): void;
  /** How many listeners the app subscribed and has not unsubscribed. */
  listeners(): number;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function createInstance(options: DevtoolsConnectOptions) {
  const sent: Sent[] = [];
  const listeners = new Set<(message: DevtoolsMessage) => void>();
  let lifted: LiftedState = start(undefined);
  let paused = false;

  function start(state: unknown): LiftedState {
    return {
      actionsById: { 0: { type: 'PERFORM_ACTION', action: { type: '@@INIT' }, timestamp: 0 } },
      computedStates: [{ state }],
      stagedActionIds: [0],
      skippedActionIds: [],
      currentStateIndex: 0,
      nextActionId: 1,
      committedState: state,
    };
  }
  const dispatch = (payload: Record<string, unknown>, state?: unknown) => {
    const message: DevtoolsMessage = { type: 'DISPATCH', payload, source: '@devtools-extension' };
    if (state !== undefined) message.state = JSON.stringify(state);
    for (const listener of [...listeners]) listener(message);
  };
  const stateAt = (index: number) => lifted.computedStates[index]?.state;

  const connection: DevtoolsConnection = {
    init(state) {
      sent.push({ kind: 'init', state: clone(state) });
      lifted = start(clone(state));
    },
    send(action, state) {
      if (action === null) {
        sent.push({ kind: 'lifted', state: clone(state) as LiftedState });
        lifted = clone(state) as LiftedState;
        return;
      }
      const recorded = clone(action) as { type: string };
      sent.push({ kind: 'action', action: recorded, state: clone(state) });
      if (paused) return;
      const id = lifted.nextActionId++;
      lifted.actionsById[id] = { type: 'PERFORM_ACTION', action: recorded, timestamp: id };
      lifted.stagedActionIds.push(id);
      lifted.computedStates.push({ state: clone(state) });
      lifted.currentStateIndex = lifted.computedStates.length - 1;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    unsubscribe() {
      listeners.clear();
    },
    error(message) {
      sent.push({ kind: 'error', message });
    },
  };

  const instance: StandInInstance = {
    options,
    sent,
    lifted: () => clone(lifted),
    types: () =>
      lifted.stagedActionIds.map(
        (id) => (lifted.actionsById[id]?.action as { type?: string } | undefined)?.type ?? '?',
      ),
    jumpToAction(actionId) {
      const index = lifted.stagedActionIds.indexOf(actionId);
      lifted.currentStateIndex = index;
      dispatch({ type: 'JUMP_TO_ACTION', actionId }, stateAt(index));
    },
    jumpToState(index) {
      lifted.currentStateIndex = index;
      dispatch(
        { type: 'JUMP_TO_STATE', index, actionId: lifted.stagedActionIds[index] },
        stateAt(index),
      );
    },
    rollback: () => dispatch({ type: 'ROLLBACK', timestamp: Date.now() }, lifted.committedState),
    commit: () => dispatch({ type: 'COMMIT', timestamp: Date.now() }),
    reset: () => dispatch({ type: 'RESET', timestamp: Date.now() }),
    importState: (next) => dispatch({ type: 'IMPORT_STATE', nextLiftedState: clone(next) }),
    toggleAction: (actionId) => dispatch({ type: 'TOGGLE_ACTION', id: actionId }, lifted),
    pause(next) {
      paused = next;
      dispatch({ type: 'PAUSE_RECORDING', status: next });
    },
    listeners: () => listeners.size,
  };
  return { connection, instance };
}

/** A `connect` like the extension's; `instances` by the name each connection asked for. */
export function createDevtoolsStandIn(): {
  connect: DevtoolsConnect;
  instances: Map<string, StandInInstance>;
} {
  const instances = new Map<string, StandInInstance>();
  const connect: DevtoolsConnect = (options) => {
    const { connection, instance } = createInstance(options);
    instances.set(String(options.name), instance);
    return connection;
  };
  return { connect, instances };
}
