import type { SharedWorkerConstructor, SharedWorkerLike } from '../src/index.js';

/**
 * A stand-in for the browser's SharedWorker on Node's MessageChannel: real, asynchronous,
 * cloning ports. `scope` plays the worker's global scope: every `new SharedWorker()` makes a
 * channel, keeps one port and fires `connect` with the other there, as a browser does.
 */
export function sharedWorkerStandIn(behaviour: 'connect' | 'error' | 'silent' = 'connect') {
  const scope = new EventTarget();
  const ports: MessagePort[] = [];
  const created: { url: string | URL; options: { name: string; type: 'module' } }[] = [];

  class StandIn extends EventTarget implements SharedWorkerLike {
    readonly port: MessagePort;
    constructor(url: string | URL, options: { name: string; type: 'module' }) {
      super();
      created.push({ url, options });
      const { port1, port2 } = new MessageChannel();
      ports.push(port1, port2);
      this.port = port1;
      setTimeout(() => {
        if (behaviour === 'error') {
          // What a browser fires when the script fails to load (a 404, a syntax error).
          this.dispatchEvent(new Event('error'));
          return;
        }
        if (behaviour === 'silent') return;
        const connect = new Event('connect');
        Object.defineProperty(connect, 'ports', { value: [port2] });
        scope.dispatchEvent(connect);
      }, 0);
    }
  }

  return {
    SharedWorker: StandIn as SharedWorkerConstructor,
    scope: scope as unknown as {
      addEventListener(type: 'connect', listener: (event: MessageEvent) => void): void;
      removeEventListener(type: 'connect', listener: (event: MessageEvent) => void): void;
    },
    created,
    /** Closes every port, for tests whose apps did not. */
    close() {
      for (const port of ports) port.close();
    },
  };
}

/** A logger that keeps its warnings. */
export function warningLogger() {
  const warnings: { message: string; extra?: Record<string, unknown> }[] = [];
  const ignore = () => {};
  return {
    warnings,
    logger: {
      debug: ignore,
      info: ignore,
      error: ignore,
      warn: (message: string, extra?: Record<string, unknown>) => {
        warnings.push(extra === undefined ? { message } : { message, extra });
      },
    },
  };
}
