// data-transport (what reactant-share and coaction both talk over) on node's MessagePorts, for
// the node half of the bench. data-transport has no worker_threads transport, but its 'Base'
// transport takes any `listener` and `sender`; these two give it the topology of its own
// SharedWorker transports ('SharedWorkerInternal' in the worker, 'SharedWorkerClient' in each
// page), with a MessageChannel per client standing in for a SharedWorker connection:
//
// - the worker side is ONE transport over every client's port: a request that wants an answer
//   remembers its port and the answer goes back on it alone, everything else (reactant-share's
//   `lastAction`, coaction's `update`) goes to every port, as SharedWorkerInternal does;
// - a client's transport is its one port; `onConnect` (coaction needs it) fires when the worker
//   side has taken the port, as SharedWorkerClient's fires on the worker's connect message.
import { createTransport } from 'data-transport';

/** What the worker side posts on a port it has just taken (not a data-transport message). */
const CONNECTED = '@@bench:connected';

/** The worker side: `add(port)` takes a client's port; `transport` serves them all. */
export function createHubTransport(prefix) {
  const ports = new Set();
  const onConnect = new Set();
  let receive;
  const transport = createTransport('Base', {
    prefix,
    listener(callback) {
      receive = callback;
      return () => {
        for (const port of ports) port.close();
        ports.clear();
      };
    },
    sender(message) {
      const port = message._extra?._port;
      if (port) {
        // An answer: to the port its request came from.
        delete message._extra._port;
        port.postMessage(message);
        return;
      }
      for (const each of ports) each.postMessage(message);
    },
  });
  transport.onConnect = (callback) => {
    onConnect.add(callback);
    return () => onConnect.delete(callback);
  };
  return {
    transport,
    add(port) {
      ports.add(port);
      port.on('close', () => ports.delete(port));
      port.on('message', (message) => {
        if (message?.hasRespond) message._extra = { ...message._extra, _port: port };
        receive?.(message);
      });
      port.postMessage(CONNECTED);
      for (const callback of onConnect) callback();
    },
  };
}

/** A client's side: a transport over its one `port` to the worker. */
export function createPortTransport(port, prefix) {
  const onConnect = new Set();
  const transport = createTransport('Base', {
    prefix,
    listener(callback) {
      port.on('message', (message) => {
        if (message === CONNECTED) {
          for (const connected of onConnect) connected();
          return;
        }
        callback(message);
      });
      return () => port.close();
    },
    sender: (message) => port.postMessage(message),
  });
  transport.onConnect = (callback) => {
    onConnect.add(callback);
    return () => onConnect.delete(callback);
  };
  return transport;
}
