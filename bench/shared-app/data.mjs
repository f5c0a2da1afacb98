// Plain data of the shared-app bench, free of any library: the statesync stores (stores.mjs),
// the raw baselines and the other libraries' subjects (bench/peers/) all build their state and
// pick their updates from here, so every subject holds and changes exactly the same data.

/** A plain object of `stores` stores `m<s>` of `fields` numeric fields `f<f>`, all 0. */
export function fieldState(stores, fields) {
  const state = {};
  for (let s = 0; s < stores; s++) state[`m${s}`] = fieldValues(fields);
  return state;
}

/** One store's fields of `fieldState`: `{ f0: 0, f1: 0, ... }`. */
export function fieldValues(fields) {
  const values = {};
  for (let f = 0; f < fields; f++) values[`f${f}`] = 0;
  return values;
}

/** The field the n-th update changes: every store in turn, a different field each time. */
export function updateTarget(n, stores, fields) {
  return { store: n % stores, field: `f${(n * 7) % fields}`, value: n };
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

/** The whole full-state shape as a plain object: `{ list<s>: { items } }`. */
export function itemState(stores, items) {
  const state = {};
  for (let s = 0; s < stores; s++) state[`list${s}`] = { items: makeItems(s, items) };
  return state;
}

/** Whether a list store's state is complete: `items` items, the last one with id items - 1. */
export function hasAllItems(state, items) {
  return state?.items?.length === items && state.items.at(-1).id === items - 1;
}

/** Bytes of JSON of a whole state: what the seed's "volume of data" column counts. */
export function jsonBytes(state) {
  return JSON.stringify(state).length;
}
