import { describe, expect, it } from 'vitest';
import {
  createMessagePortTransport,
  isStateSyncError,
  type MessagePortLike,
} from '../src/index.js';
import { describeTransportConformance } from './conformance/transport-conformance.js';
import { errorLogger } from './fixtures.js';

/**
 * A port that counts whether the transport listens on it, so the suite can check that ports
 * are opened lazily and released.
 */
function countingPort(port: MessagePort, listening: Set<object>): MessagePortLike {
  const own = new Set<unknown>();
  return {
    postMessage: (message) => port.postMessage(message),
    addEventListener(type, listener) {
      if (type === 'message') {
        own.add(listener);
        listening.add(own);
      }
      port.addEventListener(type, listener);
    },
    removeEventListener(type, listener) {
      if (type === 'message') {
        own.delete(listener);
        if (own.size === 0) listening.delete(own);
      }
      port.removeEventListener(type, listener);
    },
    start: () => port.start(),
    close() {
      listening.delete(own);
      port.close();
    },
  };
}

// A MessagePort has one partner, while the suite talks to several ends at once. Each end is one
// side of its own MessageChannel; the other side is relayed to every other end, as a worker
// forwarding between its clients' ports would. Every hop is a real, cloning, asynchronous port.
describeTransportConformance('MessagePort', () => {
  const relays = new Set<MessagePort>();
  const listening = new Set<object>();
  return {
    connect() {
      const { port1, port2 } = new MessageChannel();
      port2.onmessage = ({ data }) => {
        for (const relay of relays) if (relay !== port2) relay.postMessage(data);
      };
      relays.add(port2);
      return createMessagePortTransport(countingPort(port1, listening));
    },
    openCount: () => listening.size,
    cleanup() {
      for (const relay of relays) relay.close();
      relays.clear();
    },
  };
});

describe('createMessagePortTransport', () => {
  it('keeps what was sent before the first listener in the port queue', async () => {
    const { port1, port2 } = new MessageChannel();
    const [a, b] = [createMessagePortTransport(port1), createMessagePortTransport(port2)];
    a.send('early');
    const received = await new Promise((resolve) => b.subscribe(resolve));
    expect(received).toBe('early');
    a.close();
    b.close();
  });

  it('names the path of a value it cannot clone', () => {
    const { port1, port2 } = new MessageChannel();
    const a = createMessagePortTransport(port1);
    let thrown: unknown;
    try {
      a.send({ args: [{ onClick: () => 1 }] });
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'not_cloneable')).toBe(true);
    expect((thrown as Error).message).toMatch(/^message\.args\[0\]\.onClick cannot be/);
    a.close();
    port2.close();
  });

  it('reports a throwing listener and still delivers to the others', async () => {
    const { logger, errors } = errorLogger();
    const { port1, port2 } = new MessageChannel();
    const [a, b] = [
      createMessagePortTransport(port1),
      createMessagePortTransport(port2, { logger }),
    ];
    b.subscribe(() => {
      throw new Error('listener bug');
    });
    const received = new Promise((resolve) => b.subscribe(resolve));
    a.send('m');
    expect(await received).toBe('m');
    expect(errors).toMatchObject([{ message: 'transport listener threw' }]);
    a.close();
    b.close();
  });

  it('refuses something that is not a port', () => {
    expect(() => createMessagePortTransport({} as MessagePortLike)).toThrowError(
      expect.objectContaining({ code: 'invalid_option' }),
    );
  });
});
