import { PROTOCOL_VERSION, type Transport } from '@statesync/core';
import { describe, expect, it } from 'vitest';
import { describeTransportConformance } from '../../core/test/conformance/transport-conformance.js';
import { createServiceWorkerConnector } from '../src/links/service-worker-connector.js';
import {
  createServiceWorkerServerTransport,
  type ServiceWorkerScopeLike,
} from '../src/links/service-worker-transport.js';
import { serviceWorkerStandIn } from './service-worker-stand-in.js';
import { relayMedium } from './window-stand-in.js';

const isHello = (message: unknown) => (message as { type?: unknown } | null)?.type === 'hello';

const hello = (clientId: string) => ({
  v: PROTOCOL_VERSION,
  type: 'hello',
  app: 'sw-app',
  version: '0',
  clientId,
});

const waitUntil = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
};

/** The worker's side: answers every message with `{ echo }`, and keeps what it received. */
function echoWorker(scope: ServiceWorkerScopeLike) {
  const links: Transport[] = [];
  const received: unknown[] = [];
  const stop = createServiceWorkerServerTransport(scope).accept((link) => {
    links.push(link);
    link.subscribe((message) => {
      received.push(message);
      if ((message as { type?: string }).type !== 'bye') link.send({ echo: message });
    });
  });
  return { links, received, stop };
}

/** A page's link through the connector, with what it received and why it was lost. */
function pageLink(page: ReturnType<ReturnType<typeof serviceWorkerStandIn>['page']>) {
  const connector = createServiceWorkerConnector({
    container: page.container,
    scriptURL: '/sw.js',
  });
  const lost: string[] = [];
  const received: unknown[] = [];
  const open = () => {
    const link = connector.connect((reason) => lost.push(reason));
    link.subscribe((message) => received.push(message));
    return link;
  };
  return { open, lost, received };
}

describe('service worker links (over a stand-in)', () => {
  it('links a page that the worker does not control yet, keeping what it sent meanwhile', async () => {
    const env = serviceWorkerStandIn();
    const worker = echoWorker(env.scope);
    const page = env.page(false);
    const side = pageLink(page);
    const link = side.open();
    link.send(hello('p1'));
    const sent = { n: 1 };
    link.send(sent);
    sent.n = 2; // copied at send time
    await waitUntil(() => side.received.length === 2, 'two echoes');
    expect(side.received).toEqual([{ echo: hello('p1') }, { echo: { n: 1 } }]);
    expect(page.registered).toEqual(['/sw.js']);
    expect(worker.links).toHaveLength(1);
    // The worker claims the page later: the same worker, the link goes on.
    page.control();
    link.send({ n: 3 });
    await waitUntil(() => side.received.length === 3, 'the third echo');
    expect(side.lost).toEqual([]);
    link.close();
  });

  it('tells a linked page that the worker restarted, and not a page still waiting for its welcome', async () => {
    const env = serviceWorkerStandIn();
    echoWorker(env.scope);
    const linked = pageLink(env.page());
    linked.open().send(hello('p1'));
    await waitUntil(() => linked.received.length === 1, 'the echo');
    const waiting = pageLink(env.page());
    waiting.open();

    const restarted = echoWorker(env.restart());
    await waitUntil(() => linked.lost.length === 1, 'the linked page to hear of the restart');
    expect(linked.lost).toEqual(['the service worker restarted']);
    // The waiting page's hello now goes to the new worker, which links it.
    const again = linked.open();
    again.send(hello('p1'));
    await waitUntil(() => restarted.links.length === 1, 'the new link');
    expect(waiting.lost).toEqual([]);
    expect(linked.lost).toHaveLength(1);
  });

  it('answers a link it does not know with reconnect, unless it is a hello or a bye', async () => {
    const env = serviceWorkerStandIn();
    echoWorker(env.scope);
    const side = pageLink(env.page());
    const link = side.open();
    link.send(hello('p1'));
    await waitUntil(() => side.received.length === 1, 'the echo');

    // The worker stops between two calls and is started by the next message.
    const restarted = echoWorker(env.restart());
    link.send({ v: PROTOCOL_VERSION, type: 'call', id: 'c1' });
    await waitUntil(() => side.lost.length === 1, 'the loss');
    expect(side.lost[0]).toMatch(/^the service worker (restarted|does not know this link)/);
    expect(restarted.received).toEqual([]);
    // A lost link drops what is sent on it.
    expect(() => link.send({ late: true })).not.toThrow();
  });

  it('forgets pages that closed without a bye when another page says hello', async () => {
    const env = serviceWorkerStandIn();
    const worker = echoWorker(env.scope);
    const gone = env.page();
    pageLink(gone).open().send(hello('p1'));
    await waitUntil(() => worker.links.length === 1, 'the first link');
    env.close(gone); // the tab was closed at once: no bye
    pageLink(env.page()).open().send(hello('p2'));
    await waitUntil(() => worker.received.length === 3, 'the farewell');
    expect(worker.received).toEqual([
      hello('p1'),
      hello('p2'),
      { v: PROTOCOL_VERSION, type: 'bye' },
    ]);
  });

  it('reports the link lost when another worker takes over the page', async () => {
    const env = serviceWorkerStandIn();
    echoWorker(env.scope);
    const page = env.page();
    const side = pageLink(page);
    side.open().send(hello('p1'));
    await waitUntil(() => side.received.length === 1, 'the echo');
    page.replace();
    expect(side.lost).toEqual(['another service worker controls the page now']);
  });

  it('leaves messages of other channels alone, on both sides', async () => {
    const env = serviceWorkerStandIn();
    const worker = echoWorker(env.scope);
    const page = env.page();
    const other = createServiceWorkerConnector({ container: page.container, channel: 'other' });
    const otherReceived: unknown[] = [];
    const otherLink = other.connect(() => {});
    otherLink.subscribe((message) => otherReceived.push(message));
    otherLink.send(hello('p0'));
    const side = pageLink(page);
    side.open().send(hello('p1'));
    await waitUntil(() => side.received.length === 1, 'the echo');
    expect(worker.received).toEqual([hello('p1')]);
    expect(otherReceived).toEqual([]);
  });
});

// Every end is a page's link through its connector; the worker relays among the links it
// accepted. A link opens with the page's hello, which the relay keeps to itself.
describeTransportConformance('service worker links, page ends (stand-in worker)', () => {
  const env = serviceWorkerStandIn();
  const server = createServiceWorkerServerTransport(env.scope);
  let pages = 0;
  return relayMedium(
    server.accept,
    () => {
      const page = env.page();
      const link = createServiceWorkerConnector({ container: page.container }).connect(() => {});
      link.send(hello(`page-${++pages}`));
      return link;
    },
    isHello,
  );
});

// The same, seen from the worker: each end is a link the worker accepted, and the pages'
// connector links relay among themselves.
describeTransportConformance('service worker links, worker ends (stand-in worker)', () => {
  const env = serviceWorkerStandIn();
  const accepted: Transport[] = [];
  const stop = createServiceWorkerServerTransport(env.scope).accept((link) => accepted.push(link));
  const pageLinks: Transport[] = [];
  return {
    async connect() {
      const page = env.page();
      const link = createServiceWorkerConnector({ container: page.container }).connect(() => {});
      const own = pageLinks.length;
      pageLinks.push(link);
      link.subscribe((message) => {
        for (const [index, other] of pageLinks.entries()) if (index !== own) other.send(message);
      });
      link.send(hello(`page-${own}`));
      await waitUntil(() => accepted.length > own, 'the worker to accept the link');
      return accepted[own]!;
    },
    cleanup() {
      stop();
      for (const link of pageLinks) link.close();
    },
  };
});
