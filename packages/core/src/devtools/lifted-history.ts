/**
 * An instance's history the way a Redux DevTools monitor keeps it (its "lifted state"): what the
 * extension holds for a page, a remote instance must hold itself, to show monitors that start
 * (or reconnect) after its first actions.
 */
export interface LiftedState {
  actionsById: Record<number, PerformedAction>;
  computedStates: { state: unknown }[];
  stagedActionIds: number[];
  skippedActionIds: number[];
  currentStateIndex: number;
  nextActionId: number;
  committedState?: unknown;
  isLocked: boolean;
  isPaused: boolean;
}

/** An action as the monitor stores it. */
export interface PerformedAction {
  type: 'PERFORM_ACTION';
  action: unknown;
  timestamp: number;
}

export interface LiftedHistory {
  /** Starts over at `state`, the instance's `@@INIT`. */
  init(state: unknown): void;
  /** Adds one action and the state after it; returns the action as recorded. */
  record(action: unknown, state: unknown): PerformedAction;
  /** Takes over a lifted state the bridge computed (an import, a skip). */
  replace(lifted: unknown): void;
  /** Follows a monitor command that moves the monitor's own view (a jump). */
  command(payload: unknown): void;
  lifted(): LiftedState;
  /** The state at the start of the history. */
  start(): unknown;
}

const isLifted = (value: unknown): value is LiftedState =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as LiftedState).computedStates) &&
  Array.isArray((value as LiftedState).stagedActionIds);

export function createLiftedHistory(maxAge: number, now: () => number): LiftedHistory {
  const fresh = (state: unknown): LiftedState => ({
    actionsById: { 0: { type: 'PERFORM_ACTION', action: { type: '@@INIT' }, timestamp: now() } },
    computedStates: [{ state }],
    stagedActionIds: [0],
    skippedActionIds: [],
    currentStateIndex: 0,
    nextActionId: 1,
    committedState: state,
    isLocked: false,
    isPaused: false,
  });
  let lifted = fresh(undefined);

  /** Folds the oldest actions into the start, as the monitor does past `maxAge`. */
  const trim = () => {
    const excess = lifted.stagedActionIds.length - maxAge;
    if (excess <= 0) return;
    const dropped = lifted.stagedActionIds.slice(1, excess + 1);
    for (const id of dropped) delete lifted.actionsById[id];
    lifted.skippedActionIds = lifted.skippedActionIds.filter((id) => !dropped.includes(id));
    lifted.stagedActionIds = [0, ...lifted.stagedActionIds.slice(excess + 1)];
    lifted.computedStates = lifted.computedStates.slice(excess);
    lifted.committedState = lifted.computedStates[0]?.state;
    lifted.currentStateIndex = Math.max(0, lifted.currentStateIndex - excess);
  };

  return {
    init(state) {
      lifted = fresh(state);
    },
    record(action, state) {
      const performed: PerformedAction = { type: 'PERFORM_ACTION', action, timestamp: now() };
      const id = lifted.nextActionId;
      const atEnd = lifted.currentStateIndex === lifted.stagedActionIds.length - 1;
      lifted.actionsById[id] = performed;
      lifted.stagedActionIds.push(id);
      lifted.computedStates.push({ state });
      lifted.nextActionId = id + 1;
      if (atEnd) lifted.currentStateIndex = lifted.stagedActionIds.length - 1;
      trim();
      return performed;
    },
    replace(next) {
      if (isLifted(next)) lifted = next;
    },
    command(payload) {
      const { type, index, actionId } = (payload ?? {}) as Record<string, unknown>;
      const at =
        type === 'JUMP_TO_STATE'
          ? Number(index)
          : type === 'JUMP_TO_ACTION'
            ? lifted.stagedActionIds.indexOf(Number(actionId))
            : -1;
      if (Number.isInteger(at) && at >= 0 && at < lifted.computedStates.length) {
        lifted.currentStateIndex = at;
      }
    },
    lifted: () => lifted,
    start: () => lifted.computedStates[0]?.state,
  };
}
