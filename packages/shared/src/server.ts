// `@statesync/shared/server`: what an authority outside this package needs (the server tier runs
// a store's actions with it). Its own entry, so a client page never bundles the action runner
// and mutative.
export { type ActionOutcome, runAction } from './authority/run-action.js';
