// What an app loads, on demand, where an authority runs: the SharedWorker, the leader tab,
// a Local page. Pages that are only clients never load it, nor mutative.
export { type AuthorityHost, createAuthorityHost } from './authority-host.js';
export { createStoreSaver, type StoreSaver } from './storage.js';
