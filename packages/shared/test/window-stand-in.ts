import type { Transport } from '@statesync/core';
import type { MessageEventTarget } from '../src/links/connect-link.js';

/**
 * Stand-ins for what Node lacks: a window that frames and windows of given origins post to, a
 * dedicated worker's scope, and Web Locks. Messages are structured-cloned and delivered in a
 * later task with their transferred ports, as browsers do; the ports are Node's real ones.
 */

type Posted = { data: unknown; ports: MessagePort[] };

/** Clones the message and moves the transferred ports, which then appear as `event.ports`. */
function deliver(target: EventTarget, message: unknown, transfer: Transferable[], origin: string) {
  const ports = transfer.filter((item): item is MessagePort => item instanceof MessagePort);
  const moved: Posted = structuredClone({ data: message, ports }, { transfer: ports });
  setTimeout(() => {
    target.dispatchEvent(new MessageEvent('message', { ...moved, origin }));
  }, 0);
}

/** A window of `origin`. `from(childOrigin)` is how a child of that origin sees it. */
export function windowStandIn(origin: string) {
  const window = new EventTarget();
  return {
    /** What the parent's server transport listens on. */
    window: window as unknown as MessageEventTarget,
    origin,
    /** The window as `window.parent` (or `opener`) of a page of `childOrigin`. */
    from: (childOrigin: string) => ({
      postMessage(message: unknown, targetOrigin: string, transfer: Transferable[] = []) {
        // A browser drops a message whose target shows another origin.
        if (targetOrigin !== '*' && targetOrigin !== origin) return;
        deliver(window, message, transfer, childOrigin);
      },
    }),
  };
}

/** A dedicated worker: `worker` is the page's object, `scope` the worker's global scope. */
export function workerStandIn() {
  const scope = new EventTarget();
  return {
    /** The worker's global scope, as its server transport sees it. */
    scope: scope as unknown as MessageEventTarget,
    worker: {
      postMessage(message: unknown, transfer: Transferable[] = []) {
        deliver(scope, message, transfer, '');
      },
    },
  };
}

/** Exclusive Web Locks of one origin: `request`, `query`, and what is held now. */
export function lockStandIn() {
  const held = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();
  const grantNext = (name: string) => {
    const next = waiting.get(name)?.shift();
    if (next) next();
  };
  return {
    held,
    request(
      name: string,
      options: { signal?: AbortSignal },
      callback: () => unknown,
    ): Promise<unknown> {
      const { signal } = options;
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          held.add(name);
          Promise.resolve()
            .then(callback)
            .then(resolve, reject)
            .finally(() => {
              held.delete(name);
              grantNext(name);
            });
        };
        const onAbort = () => {
          waiting.set(
            name,
            (waiting.get(name) ?? []).filter((queued) => queued !== grant),
          );
          reject(signal?.reason);
        };
        if (!held.has(name)) return grant();
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.set(name, [...(waiting.get(name) ?? []), grant]);
      });
    },
    query: async () => ({ held: [...held].map((name) => ({ name })) }),
  };
}

/** A logger that keeps what it is told. */
export function recordingLogger() {
  const lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, extra?: Record<string, unknown>): void => {
      lines.push(extra === undefined ? { level, message } : { level, message, extra });
    };
  return {
    lines,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

/**
 * The transport conformance suite talks to several ends at once, while a link joins one page to
 * the authority. Here the authority's side relays what each link sends to every other link, as
 * a hub would; every hop is a real port. Links are accepted in the order the ends were made, so
 * what is sent to an end not accepted yet waits for it. `hidden` messages (the hello that opens a
 * link on some media) are not relayed.
 */
export function relayMedium(
  accept: (onConnection: (link: Transport) => void) => () => void,
  open: () => Transport,
  hidden: (message: unknown) => boolean = () => false,
) {
  const ends: { link?: Transport; pending: unknown[] }[] = [];
  const stop = accept((link) => {
    const end = ends.find((candidate) => !candidate.link);
    if (!end) throw new Error('a link nobody opened');
    end.link = link;
    for (const message of end.pending.splice(0)) link.send(message);
    link.subscribe((message) => {
      if (hidden(message)) return;
      for (const other of ends) {
        if (other === end) continue;
        if (other.link) other.link.send(message);
        else other.pending.push(message);
      }
    });
  });
  return {
    connect() {
      ends.push({ pending: [] });
      return open();
    },
    cleanup() {
      stop();
      for (const end of ends) end.link?.close();
    },
  };
}
