// The one store of the SharedTab bench, built by every page and by the SharedWorker.
import { defineStore } from '@statesync/shared';

/**
 * `probe`: one action, `bump`, that counts the call (so the caller's copy has a change to catch
 * up with before its `spawn` resolves) and returns `servedBy()` as the authority sees it: in
 * SharedTab mode the id of the tab that leads, so a caller knows which leader served it.
 */
export const probeStore = (servedBy) =>
  defineStore({
    name: 'probe',
    state: () => ({ calls: 0 }),
    actions: {
      bump(draft) {
        draft.calls += 1;
        return servedBy();
      },
    },
  });
