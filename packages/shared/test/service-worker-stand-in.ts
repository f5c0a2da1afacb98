import type {
  ServiceWorkerContainerLike,
  ServiceWorkerLike,
} from '../src/links/service-worker-connector.js';
import type { ClientLike, ServiceWorkerScopeLike } from '../src/links/service-worker-transport.js';

/**
 * A stand-in for one service worker and its pages, in one process: what a page posts reaches
 * the worker's scope as a `message` event whose `source` is that page's client, and what the
 * worker posts to a client reaches that page's container; both structured-cloned, a macrotask
 * later. `restart()` plays the browser stopping the worker and starting its script again: a
 * fresh scope, with nothing of the old one left. The real thing runs in Chromium (e2e).
 */
export function serviceWorkerStandIn() {
  let scope = freshScope();
  const pages = new Map<string, ReturnType<typeof makePage>>();
  let nextId = 0;

  function freshScope() {
    const target = new EventTarget();
    return Object.assign(target, {
      clients: {
        matchAll: async () => [...pages.values()].map((page) => page.client),
        claim: async () => {
          for (const page of pages.values()) page.control();
        },
      },
    }) as EventTarget & ServiceWorkerScopeLike;
  }

  const later = (run: () => void) => setTimeout(run, 0);

  const worker: ServiceWorkerLike = {
    state: 'activated',
    postMessage() {
      throw new Error('post through a page');
    },
  };

  function makePage(controlled: boolean) {
    const id = `client-${++nextId}`;
    const container = new EventTarget() as EventTarget & {
      controller: ServiceWorkerLike | null;
      ready: Promise<{ active: ServiceWorkerLike | null }>;
      register(): Promise<unknown>;
    };
    const registered: string[] = [];
    /** The worker as this page sees it: posting from here has this page as the source. */
    const view: ServiceWorkerLike = {
      state: 'activated',
      postMessage(message) {
        const data = structuredClone(message);
        later(() => {
          const event = new Event('message');
          Object.assign(event, { data, source: client, waitUntil: () => {} });
          scope.dispatchEvent(event);
        });
      },
    };
    const client: ClientLike = {
      id,
      postMessage(message) {
        const data = structuredClone(message);
        later(() => {
          const event = new Event('message');
          Object.assign(event, { data });
          container.dispatchEvent(event);
        });
      },
    };
    container.controller = controlled ? view : null;
    container.ready = Promise.resolve({ active: view });
    container.register = async (...args: unknown[]) => {
      registered.push(String(args[0]));
      return {};
    };
    return {
      id,
      client,
      registered,
      container: container as unknown as ServiceWorkerContainerLike,
      control() {
        if (container.controller === view) return;
        container.controller = view;
        container.dispatchEvent(new Event('controllerchange'));
      },
      /** Another worker takes over this page. */
      replace() {
        container.controller = { ...worker };
        container.dispatchEvent(new Event('controllerchange'));
      },
    };
  }

  return {
    get scope() {
      return scope;
    },
    /** Opens a page; `controlled: false` is a first load, before the worker claims it. */
    page(controlled = true) {
      const page = makePage(controlled);
      pages.set(page.id, page);
      return page;
    },
    close(page: { id: string }) {
      pages.delete(page.id);
    },
    restart() {
      scope = freshScope();
      return scope;
    },
  };
}
