import type { ExtensionEventLike, RuntimeLike, RuntimePortLike } from './runtime-port-transport.js';

type Runtime = Pick<RuntimeLike, 'onConnect' | 'lastError'>;

/** Ports kept for a server transport to come; see {@link keepPorts}. */
export interface KeptPorts {
  /** The runtime as the transport sees it: its first `onConnect` listener hears the kept ports. */
  readonly runtime: Runtime;
  /** Stops keeping: ports no listener took are left alone, as `runtime` would have. */
  drop(): void;
}

/** An extension event whose calls before its first listener are heard by that listener first. */
function keptEvent<A extends unknown[]>(
  event: ExtensionEventLike<(...args: A) => void>,
): ExtensionEventLike<(...args: A) => void> {
  const listeners = new Set<(...args: A) => void>();
  let kept: A[] | undefined = [];
  event.addListener((...args: A) => {
    if (listeners.size) for (const listener of [...listeners]) listener(...args);
    else kept?.push(args);
  });
  return {
    addListener(listener) {
      listeners.add(listener);
      const replay = kept ?? [];
      kept = undefined;
      for (const args of replay) listener(...args);
    },
    removeListener: (listener) => listeners.delete(listener),
  };
}

/**
 * Listens to `runtime.onConnect` from now on, as an extension's background must from the first
 * run of its script, so that the ports named `portName` that connect while the server
 * transport's code loads are not lost, nor what they send before it listens to them. Once a
 * listener is there, ports go straight to it.
 */
export function keepPorts(runtime: Runtime, portName: string): KeptPorts {
  const listeners = new Set<(port: RuntimePortLike) => void>();
  let kept: RuntimePortLike[] | undefined = [];
  runtime.onConnect.addListener((port) => {
    if (listeners.size) {
      for (const listener of [...listeners]) listener(port);
    } else if (kept && port.name === portName) {
      kept.push({
        name: port.name,
        postMessage: (message) => port.postMessage(message),
        disconnect: () => port.disconnect(),
        onMessage: keptEvent(port.onMessage),
        onDisconnect: keptEvent(port.onDisconnect),
      });
    }
  });
  return {
    runtime: {
      onConnect: {
        addListener(listener) {
          listeners.add(listener);
          const replay = kept ?? [];
          kept = undefined;
          for (const port of replay) listener(port);
        },
        removeListener: (listener) => listeners.delete(listener),
      },
      get lastError() {
        return runtime.lastError;
      },
    },
    drop() {
      kept = undefined;
    },
  };
}
