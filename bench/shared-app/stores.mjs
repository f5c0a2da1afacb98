// The stores of the shared-app bench, built the same way in node, in the worker threads and in
// the browser bundles, so the authority and its clients share one set of definitions.
import { defineStore } from '@statesync/shared';

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
        state: () => {
          const state = {};
          for (let f = 0; f < fields; f++) state[`f${f}`] = 0;
          return state;
        },
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

/** A plain object holding what `fieldStores` starts with, for the raw baseline. */
export function fieldState(stores, fields) {
  const state = {};
  for (const definition of fieldStores(stores, fields)) state[definition.name] = definition.state();
  return state;
}

/** The field the n-th update changes: every store in turn, a different field each time. */
export function updateTarget(n, stores, fields) {
  return { store: n % stores, field: `f${(n * 7) % fields}`, value: n };
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

/**
 * `count` items of store `s`: about 47 bytes of JSON each (`{"id":1234,"label":"item 3-1234",
 * "done":false}`), as in the seed's table (30 × 1,000 items = 1.4 MB).
 */
export function makeItems(s, count) {
  const items = new Array(count);
  for (let i = 0; i < count; i++) items[i] = { id: i, label: `item ${s}-${i}`, done: i % 3 === 0 };
  return items;
}

/** Bytes of JSON of a whole state: what the seed's "volume of data" column counts. */
export function jsonBytes(state) {
  return JSON.stringify(state).length;
}
