// coaction's side of the shared-app bench: the same stores as statesync's
// (shared-app/stores.mjs), as the slices of one coaction store (coaction shares a store, not a
// set of them: one store of `stores` slices is its way to hold the same state). Used in node
// and bundled for Chromium.
import { create } from 'coaction';
import { fieldValues, makeItems } from '../shared-app/data.mjs';

/** "modules × states": slice `m<s>` has `fields` numeric fields and the method `set`. */
export function fieldSlices(stores, fields) {
  const slices = {};
  for (let s = 0; s < stores; s++) {
    const name = `m${s}`;
    slices[name] = (set) => ({
      ...fieldValues(fields),
      set(field, value) {
        set((draft) => {
          draft[name][field] = value;
        });
      },
    });
  }
  return slices;
}

/** "full state": slice `list<s>` has `items`, empty at first, and the method `fill`. */
export function itemSlices(stores) {
  const slices = {};
  for (let s = 0; s < stores; s++) {
    const name = `list${s}`;
    slices[name] = (set) => ({
      items: [],
      fill(count) {
        set((draft) => {
          draft[name].items = makeItems(s, count);
        });
      },
    });
  }
  return slices;
}

/**
 * The shared store (`transport`: the worker side, node) or a client of it (`clientTransport`:
 * node; `worker`: a SharedWorker, Chromium). In a SharedWorker coaction makes the worker side's
 * transport itself (`create(slices, { name })`).
 */
export const createCoactionStore = (slices, options) => create(slices, options);
