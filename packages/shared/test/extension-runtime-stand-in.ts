import type { ExtensionEventLike, RuntimePortLike } from '../src/links/runtime-port-transport.js';

/**
 * A stand-in for an extension's `runtime` ports, in one process: what one end posts is
 * serialised with JSON and delivered to the other end a macrotask later, a `disconnect` reaches
 * only the other end, and a port whose other end is gone throws on `postMessage`, as in a
 * browser. `onConnect` runs during `connect` (a browser runs it a little later). The real
 * ports are exercised in Chromium by the e2e suite.
 */

interface StandInEvent<L extends (...args: never[]) => void> extends ExtensionEventLike<L> {
  readonly size: number;
  clear(): void;
  dispatch(...args: Parameters<L>): void;
}

function createEvent<L extends (...args: never[]) => void>(): StandInEvent<L> {
  const listeners = new Set<L>();
  return {
    get size() {
      return listeners.size;
    },
    addListener: (listener) => listeners.add(listener),
    removeListener: (listener) => listeners.delete(listener),
    clear: () => listeners.clear(),
    dispatch(...args) {
      for (const listener of [...listeners]) if (listeners.has(listener)) listener(...args);
    },
  };
}

export interface StandInPort extends RuntimePortLike {
  /** How many `onMessage` listeners the port has: whether a transport listens on it. */
  readonly listening: number;
  readonly connected: boolean;
}

const later = (run: () => void) => setTimeout(run, 0);

export function runtimeStandIn() {
  const lastError: { current: { message: string } | undefined } = { current: undefined };
  const onConnect = createEvent<(port: RuntimePortLike) => void>();
  const pagePorts: StandInPort[] = [];
  const backgroundPorts: StandInPort[] = [];
  let sent = 0;

  /** Two ends of one port; `error` is the reason the browser gives when it closes the other end. */
  const pair = (name: string) => {
    let open = true;
    const make = (): StandInPort & {
      other?: StandInPort & { receive(json: string): void; closeBy(error?: string): void };
      receive(json: string): void;
      closeBy(error?: string): void;
    } => {
      const onMessage = createEvent<(message: unknown) => void>();
      const onDisconnect = createEvent<() => void>();
      const end = {
        name,
        onMessage,
        onDisconnect,
        get listening() {
          return onMessage.size;
        },
        get connected() {
          return open;
        },
        postMessage(message: unknown) {
          if (!open) throw new Error('Attempting to use a disconnected port object');
          const json = JSON.stringify(message);
          sent++;
          later(() => {
            if (open) end.other?.receive(json);
          });
        },
        disconnect() {
          if (!open) return;
          open = false;
          later(() => end.other?.closeBy());
        },
        receive(json: string) {
          onMessage.dispatch(JSON.parse(json));
        },
        closeBy(error?: string) {
          lastError.current = error === undefined ? undefined : { message: error };
          try {
            onDisconnect.dispatch();
          } finally {
            lastError.current = undefined;
          }
        },
      } as ReturnType<typeof make>;
      return end;
    };
    const page = make();
    const background = make();
    page.other = background;
    background.other = page;
    return {
      page,
      background,
      /** The browser closes the port under the page: the background is gone, or never listened. */
      sever(error?: string) {
        if (!open) return;
        open = false;
        later(() => page.closeBy(error));
      },
    };
  };

  const pairs: ReturnType<typeof pair>[] = [];

  return {
    /** `runtime` as the background script sees it. */
    background: {
      onConnect,
      get lastError() {
        return lastError.current;
      },
    },
    /** `runtime` as a page or content script sees it. */
    page: {
      connect({ name }: { name: string }): RuntimePortLike {
        const ports = pair(name);
        pairs.push(ports);
        pagePorts.push(ports.page);
        backgroundPorts.push(ports.background);
        if (onConnect.size === 0) {
          ports.sever('Could not establish connection. Receiving end does not exist.');
        } else {
          onConnect.dispatch(ports.background);
        }
        return ports.page;
      },
      get lastError() {
        return lastError.current;
      },
    },
    pagePorts,
    backgroundPorts,
    /** How many messages were posted so far. */
    sent: () => sent,
    /**
     * What a browser does when it stops the background worker: every page's port closes, and
     * the worker's listeners are gone with it (a restarted script adds its own again).
     */
    stopBackground() {
      for (const ports of pairs) ports.sever();
      onConnect.clear();
    },
  };
}
