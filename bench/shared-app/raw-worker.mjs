// The baseline of the shared-app bench in Chromium: a module SharedWorker holding the same state
// as browser-worker.mjs, served by hand with raw postMessage on the pages' ports. Same query
// string as browser-worker.mjs.
import { fieldState, itemState } from './data.mjs';

const params = new URLSearchParams(self.location.search);
const kind = params.get('kind');
const stores = Number(params.get('stores'));
const size = Number(params.get('size'));

const names = [];
for (let s = 0; s < stores; s++) names.push(kind === 'update' ? `m${s}` : `list${s}`);
const state = kind === 'update' ? fieldState(stores, size) : itemState(stores, size);
const ports = [];

self.addEventListener('connect', (event) => {
  const port = event.ports[0];
  if (kind === 'full') {
    // A new client: the whole state in one message.
    port.postMessage(state);
    return;
  }
  // A client asks for a change; every client hears it: what an action round does, by hand.
  ports.push(port);
  port.onmessage = ({ data: { s, f, v } }) => {
    state[names[s]][f] = v;
    for (const other of ports) other.postMessage({ s, f, v });
  };
});
