export { shareZustandStore, type ZustandStoreApi } from './share-zustand-store.js';
