import { isStateSyncError } from '@statesync/core';
import { describe, expect, it } from 'vitest';
import { describeTransportConformance } from '../../core/test/conformance/transport-conformance.js';
import { createLocalLink } from '../src/links/local-link.js';
import { createTransportHub } from '../src/testing.js';
import { relayMedium } from './window-stand-in.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createLocalLink', () => {
  it('queues what arrives before the first listener and keeps the order after it', async () => {
    const { client, server } = createLocalLink();
    client.send(1);
    client.send(2);
    await tick();
    const received: unknown[] = [];
    server.subscribe((message) => received.push(message));
    client.send(3);
    await tick();
    expect(received).toEqual([1, 2, 3]);
  });

  it('copies at send time and refuses what cannot be cloned, naming the path', async () => {
    const { client, server } = createLocalLink();
    const received: unknown[] = [];
    server.subscribe((message) => received.push(message));
    const sent = { list: [1] };
    client.send(sent);
    sent.list.push(2);
    let thrown: unknown;
    try {
      client.send({ args: [{ fn: () => 1 }] });
    } catch (error) {
      thrown = error;
    }
    await tick();
    expect(received).toEqual([{ list: [1] }]);
    expect(isStateSyncError(thrown, 'not_cloneable')).toBe(true);
    expect((thrown as Error).message).toMatch(/^message\.args\[0\]\.fn cannot be/);
  });

  it('throws stopped after close, and counts what is open', () => {
    const link = createLocalLink();
    expect(link.openCount()).toBe(0);
    const off = link.server.subscribe(() => {});
    link.client.subscribe(() => {});
    expect(link.openCount()).toBe(2);
    off();
    link.client.close();
    expect(link.openCount()).toBe(0);
    expect(() => link.client.send(1)).toThrowError(expect.objectContaining({ code: 'stopped' }));
  });
});

describe('createTransportHub', () => {
  it('keeps order under delays, and lets a client come before the authority', async () => {
    const hub = createTransportHub({ seed: 7, faults: { delayMs: 5 } });
    const client = hub.connect();
    for (let i = 0; i < 20; i++) client.send(i);
    const received: unknown[] = [];
    hub.server.accept((transport) => transport.subscribe((message) => received.push(message)));
    for (let round = 0; round < 200 && received.length < 20; round++) await tick();
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(hub.inFlight()).toBe(0);
    hub.dispose();
    expect(hub.openCount()).toBe(0);
  });

  it('drops and duplicates only invalidations, from the same seed the same way', async () => {
    const run = async () => {
      const hub = createTransportHub({ seed: 3, faults: { drop: 0.5, duplicate: 0.5 } });
      const client = hub.connect();
      const received: unknown[] = [];
      client.subscribe((message) => received.push(message));
      let serverEnd: { send(message: unknown): void } | undefined;
      hub.server.accept((transport) => {
        serverEnd = transport;
      });
      for (let i = 0; i < 30; i++) serverEnd!.send({ type: 'invalidate', i });
      for (let i = 0; i < 5; i++) serverEnd!.send({ type: 'result', i });
      await tick();
      hub.dispose();
      return { received, stats: { ...hub.stats } };
    };
    const [first, second] = [await run(), await run()];
    expect(first).toEqual(second);
    expect(first.stats.dropped).toBeGreaterThan(0);
    expect(first.stats.duplicated).toBeGreaterThan(0);
    const results = first.received.filter((m) => (m as { type: string }).type === 'result');
    expect(results).toHaveLength(5);
  });
});

// A local link joins one client to the authority; the suite talks to several ends, so the
// authority's side of a transport hub relays among its links.
describeTransportConformance('local links of a transport hub', () => {
  const hub = createTransportHub();
  const medium = relayMedium(hub.server.accept, hub.connect);
  return {
    connect: medium.connect,
    cleanup() {
      medium.cleanup();
      hub.dispose();
      expect(hub.openCount()).toBe(0);
    },
  };
});
