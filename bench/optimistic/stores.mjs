// The store of the optimistic bench, defined once for the authority worker and the client: 100
// numeric fields, set by the same action twice over, once listed in `optimistic` and once not.
import { defineStore } from '@statesync/shared';

export const FIELDS = 100;

export const fields = defineStore({
  name: 'fields',
  state: () => Object.fromEntries(Array.from({ length: FIELDS }, (_, f) => [`f${f}`, 0])),
  actions: {
    set(draft, field, value) {
      draft[field] = value;
    },
    setPlain(draft, field, value) {
      draft[field] = value;
    },
  },
  optimistic: ['set'],
});
