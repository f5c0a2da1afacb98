// Framework appliers: a one-item change to a 10,000-item list, received and applied as a delta
// vs as the whole snapshot, per framework, with the real library and the built adapter.

import { configureStore } from '@reduxjs/toolkit';
import { createJotaiSnapshotApplier } from '@statesync/jotai';
import { createMobxSnapshotApplier } from '@statesync/mobx';
import { createPiniaSnapshotApplier } from '@statesync/pinia';
import { createReduxSnapshotApplier, withStateSync } from '@statesync/redux';
import { createSvelteSnapshotApplier } from '@statesync/svelte';
import { createValtioSnapshotApplier } from '@statesync/valtio';
import { createVueSnapshotApplier } from '@statesync/vue';
import { createZustandSnapshotApplier } from '@statesync/zustand';
import { atom, createStore as createJotaiStore } from 'jotai/vanilla';
import { autorun, observable } from 'mobx';
import { createPinia, defineStore, setActivePinia } from 'pinia';
import { writable } from 'svelte/store';
import { proxy, subscribe as subscribeValtio } from 'valtio/vanilla';
import { createApp, reactive, watchEffect } from 'vue';
import { createStore as createZustandStore } from 'zustand/vanilla';
import { compare, cpuTime } from './measure.mjs';

export const title = 'framework appliers: one-item delta vs whole snapshot';

const ITEMS = 10_000;
const ITERATIONS = 30;
const SAMPLES = 6;
const WARMUP = 1;

const makeState = () => ({
  title: 'list',
  items: Array.from({ length: ITEMS }, (_, id) => ({ id, label: `item ${id}`, done: false })),
});

/**
 * Each framework's store holding the list, its applier, and one subscriber the way a component
 * showing item 0 would subscribe. Setting up is not timed.
 */
const FRAMEWORKS = {
  pinia() {
    const pinia = createPinia();
    createApp({}).use(pinia);
    setActivePinia(pinia);
    const store = defineStore('bench', { state: makeState })();
    watchEffect(() => store.items[0]?.done, { flush: 'sync' });
    return createPiniaSnapshotApplier(store, { mode: 'patch' });
  },
  vue() {
    const state = reactive(makeState());
    watchEffect(() => state.items[0]?.done, { flush: 'sync' });
    return createVueSnapshotApplier(state);
  },
  zustand() {
    const store = createZustandStore(() => makeState());
    let first = store.getState().items[0];
    store.subscribe((state) => {
      if (state.items[0] !== first) first = state.items[0];
    });
    return createZustandSnapshotApplier(store);
  },
  redux() {
    const store = configureStore({
      reducer: withStateSync((state = makeState()) => state, { topic: 'bench' }),
      // Redux Toolkit's development checks walk the whole state on every action; production
      // builds leave them out, so the bench does too.
      middleware: (defaults) => defaults({ immutableCheck: false, serializableCheck: false }),
    });
    let first = store.getState().items[0];
    store.subscribe(() => {
      const item = store.getState().items[0];
      if (item !== first) first = item;
    });
    return createReduxSnapshotApplier(store, { topic: 'bench' });
  },
  svelte() {
    const store = writable(makeState());
    let first;
    store.subscribe((state) => {
      first = state.items[0];
    });
    void first;
    return createSvelteSnapshotApplier(store);
  },
  valtio() {
    const state = proxy(makeState());
    subscribeValtio(state.items, () => {}, true);
    return createValtioSnapshotApplier(state);
  },
  jotai() {
    const store = createJotaiStore();
    const listAtom = atom(makeState());
    const firstAtom = atom((get) => get(listAtom).items[0]);
    store.sub(firstAtom, () => {});
    return createJotaiSnapshotApplier(listAtom, { store });
  },
  mobx() {
    const state = observable(makeState());
    autorun(() => state.items[0]?.done);
    return createMobxSnapshotApplier(state);
  },
};

/**
 * One change per iteration: the authority flips `done` on item `i`, and the window receives it,
 * paying for the message's structured clone (what postMessage and every transport cost the
 * receiver) and the applier call, including the framework's own notification.
 */
async function timeChanges(framework, iterations, kind) {
  const applier = FRAMEWORKS[framework]();
  const authority = makeState();
  let revision = 1;
  await applier.apply(structuredClone({ revision: '1', data: authority }));
  const started = cpuTime();
  for (let i = 0; i < iterations; i++) {
    const index = (i * 7919) % ITEMS;
    const done = !authority.items[index].done;
    authority.items[index] = { ...authority.items[index], done };
    const base = String(revision++);
    if (kind === 'snapshot') {
      await applier.apply(structuredClone({ revision: String(revision), data: authority }));
    } else {
      const ops = [{ op: 'replace', path: ['items', index, 'done'], value: done }];
      await applier.applyPatch(structuredClone({ base, revision: String(revision), ops }));
    }
  }
  return cpuTime() - started;
}

export const variants = {};
for (const framework of Object.keys(FRAMEWORKS)) {
  variants[`${framework}Snapshot`] = (n) => timeChanges(framework, n, 'snapshot');
  variants[`${framework}Delta`] = (n) => timeChanges(framework, n, 'delta');
}

export async function run({ report }) {
  for (const framework of Object.keys(FRAMEWORKS)) {
    const result = await compare({
      file: import.meta.url,
      variants: { delta: `${framework}Delta`, snapshot: `${framework}Snapshot` },
      iterations: ITERATIONS,
      samples: SAMPLES,
      warmup: WARMUP,
      processes: 2,
    });
    report({
      name: `${framework}: one-item delta on ${ITEMS.toLocaleString('en')} items`,
      value: result.delta.nsPerOp,
      unit: 'ns/op',
      baseline: { name: 'whole snapshot', value: result.snapshot.nsPerOp, unit: 'ns/op' },
      // The delta must be at least 50× cheaper.
      goal: { max: 0.02, of: 'ratio' },
      extra: { samples: result.delta.samples, baselineSamples: result.snapshot.samples },
    });
  }
}
