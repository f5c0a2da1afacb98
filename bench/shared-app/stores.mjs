// The stores of the shared-app bench, built the same way in node, in the worker threads and in
// the browser bundles, so the authority and its clients share one set of definitions.
import { defineStore } from '@statesync/shared';
import { fieldValues, makeItems } from './data.mjs';

export { fieldState, jsonBytes, makeItems, updateTarget } from './data.mjs';

/**
 * "modules × states": `stores` stores of `fields` small numeric fields each, and one action
 * that sets one field. The name of the app encodes the shape, so workers of different shapes
 * never meet.
 */
export function fieldStores(stores, fields) {
  const definitions = [];
  for (let s = 0; s < stores; s++) {
    definitions.push(
      defineStore({
        name: `m${s}`,
        state: () => fieldValues(fields),
        actions: {
          set(draft, field, value) {
            draft[field] = value;
          },
        },
      }),
    );
  }
  return definitions;
}

/**
 * "full state": `stores` stores of `{ items }`, empty at first (as a client's own copy starts),
 * filled on the authority by `fill(count)`.
 */
export function itemStores(stores) {
  const definitions = [];
  for (let s = 0; s < stores; s++) {
    definitions.push(
      defineStore({
        name: `list${s}`,
        state: () => ({ items: [] }),
        actions: {
          fill(draft, count) {
            draft.items = makeItems(s, count);
          },
        },
      }),
    );
  }
  return definitions;
}
