import {
  applyPatch,
  createStoreApplier,
  type PatchEnvelope,
  type Revision,
  type SnapshotApplier,
  type SnapshotEnvelope,
  StateSyncError,
  type StoreApplierOptions,
  type Topic,
} from '@statesync/core';
import {
  applyStateSync,
  STATESYNC_APPLY,
  type StateSyncApplyAction,
  type StateSyncChange,
  type StateSyncPayload,
} from './action.js';
import { rememberPatch } from './precomputed.js';

/** The part of a Redux store the applier uses: any Redux 4/5 or Redux Toolkit store has it. */
export interface ReduxStoreLike<RootState> {
  getState(): RootState;
  dispatch: (action: StateSyncApplyAction) => unknown;
}

/**
 * Options of {@link createReduxSnapshotApplier}: the topic, where the synced state is, and
 * `mode`, `pickKeys`, `omitKeys` and `toState`, with keys checked against the selected state.
 */
export interface ReduxApplierOptions<Data, State, RootState = State>
  extends StoreApplierOptions<Data, State> {
  /** The topic of the reducer wrapped with `withStateSync` that applies this applier's actions. */
  topic: Topic;
  /**
   * Selects the state that reducer returns, e.g. `(root) => root.settings` for a slice of
   * `combineReducers`. Must return that very object, not a copy.
   * @default the root state
   */
  select?: (state: RootState) => State;
}

/**
 * A `SnapshotApplier` for Redux. It works out each snapshot's and delta's write to the selected
 * state (`mode`, `pickKeys`/`omitKeys`, `toState`, like every statesync framework applier) and
 * dispatches it as one `statesync/apply` action of plain JSON, so `store.subscribe` listeners
 * run once per apply that changes something. The reducer wrapped with {@link withStateSync} for
 * the same topic applies it.
 *
 * What the authority sent lives here, once per store; the action carries the resulting change,
 * so the reducer stays pure and DevTools replays reproduce every state.
 *
 * Throws, before dispatching anything, a `protocol` `StateSyncError` for a delta that does not
 * fit the state (the engine then pulls a snapshot), and `apply_failed` when a dispatched action
 * left the state as it was: no `withStateSync` reducer of this topic, or one whose error Redux
 * DevTools swallowed.
 *
 * @example
 * const applier = createReduxSnapshotApplier(store, {
 *   topic: 'settings',
 *   select: (root) => root.settings,
 *   omitKeys: ['draft'],
 * });
 */
export function createReduxSnapshotApplier<State, Data = Partial<State>>(
  store: ReduxStoreLike<State>,
  options: ReduxApplierOptions<Data, State> & { select?: undefined },
): SnapshotApplier<Data>;
export function createReduxSnapshotApplier<RootState, State, Data = Partial<State>>(
  store: ReduxStoreLike<RootState>,
  options: ReduxApplierOptions<Data, State, RootState> & { select: (state: RootState) => State },
): SnapshotApplier<Data>;
// Two signatures, so that without `select` the state's type comes from the store alone and
// `pickKeys`/`omitKeys` are checked against it rather than inferring it.
export function createReduxSnapshotApplier<RootState, State, Data>(
  store: ReduxStoreLike<RootState>,
  options: ReduxApplierOptions<Data, State, RootState>,
): SnapshotApplier<Data> {
  const { topic, select, ...storeOptions } = options;
  if (typeof topic !== 'string' || topic === '') {
    throw new StateSyncError('invalid_option', 'topic must be a non-empty string');
  }
  const read = (): unknown => (select ? select(store.getState()) : store.getState());
  /** The revision being applied: the binding's calls do not carry it. */
  let revision: Revision | undefined;

  const send = (change: StateSyncChange, expected: (state: unknown) => boolean) => {
    const payload: StateSyncPayload = { topic, change };
    if (revision !== undefined) payload.revision = revision;
    store.dispatch(applyStateSync(payload));
    if (!expected(read())) {
      throw new StateSyncError(
        'apply_failed',
        `the ${STATESYNC_APPLY} action of topic "${topic}" did not change the state: wrap the ` +
          `reducer of the synced state with withStateSync(reducer, { topic: "${topic}" })` +
          (select ? ' and check that select returns the state it returns' : ''),
      );
    }
  };

  const applier = createStoreApplier<Data, State>(
    {
      read,
      merge(set, remove) {
        const before = read();
        // The reducer spreads the state: a handled merge always gives a new object.
        send({ kind: 'merge', set, remove }, (after) => after !== before);
      },
      patch(ops) {
        const before = read();
        // Throws the reducer's error before anything is dispatched: all or nothing, no
        // notification, and no need to see reducer errors that DevTools would swallow.
        rememberPatch(ops, before, applyPatch(before, ops));
        send({ kind: 'patch', ops }, (after) => after !== before);
      },
      replace(value) {
        send({ kind: 'replace', value }, (after) => Object.is(after, value));
      },
    },
    storeOptions,
  );

  const during = (next: Revision, run: () => void) => {
    revision = next;
    try {
      run();
    } finally {
      revision = undefined;
    }
  };
  return {
    apply(snapshot: SnapshotEnvelope<Data>) {
      during(snapshot.revision, () => applier.apply(snapshot));
    },
    applyPatch(patch: PatchEnvelope) {
      during(patch.revision, () => applier.applyPatch?.(patch));
    },
  };
}
