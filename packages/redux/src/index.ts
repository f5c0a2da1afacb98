export {
  type ApplyStateSync,
  applyStateSync,
  STATESYNC_APPLY,
  type StateSyncApplyAction,
  type StateSyncChange,
  type StateSyncPayload,
} from './action.js';
export {
  createReduxSnapshotApplier,
  type ReduxApplierOptions,
  type ReduxStoreLike,
} from './redux-applier.js';
export {
  type StateSyncReducerOptions,
  type WithStateSyncAction,
  withStateSync,
} from './with-state-sync.js';
