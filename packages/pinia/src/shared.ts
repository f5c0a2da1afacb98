export { type PiniaStoreLike, sharePiniaStore } from './share-pinia-store.js';
