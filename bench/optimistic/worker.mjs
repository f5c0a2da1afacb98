// The authority of the optimistic bench: a worker_threads Worker running createSharedApp (port
// 'server'), and the raw baseline, a port that posts every message straight back. The main
// thread hands it `{ type: 'connect', port }` (statesync) and `{ type: 'raw', port }`.
import { serveBenchAuthority } from '../shared-app/node-authority.mjs';
import { fields } from './stores.mjs';

const rawPorts = [];
await serveBenchAuthority({
  name: 'optimistic-bench',
  stores: [fields],
  raw: () => ({
    connect(port) {
      rawPorts.push(port);
      port.on('message', (data) => port.postMessage(data));
    },
    close() {
      for (const port of rawPorts) port.close();
    },
  }),
});
