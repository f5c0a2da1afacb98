import { describe, expect, it } from 'vitest';
import { createBroadcastChannelTransport, isStateSyncError, randomId } from '../src/index.js';
import { describeTransportConformance } from './conformance/transport-conformance.js';
import { errorLogger } from './fixtures.js';

// Node's BroadcastChannel is the platform's own (the same one workers use); each test gets a
// fresh channel name so tests cannot hear each other.
describeTransportConformance('BroadcastChannel', () => {
  const name = `conformance-${randomId()}`;
  return { connect: () => createBroadcastChannelTransport(name) };
});

/** Resolves with the next message `transport` receives. */
const next = (transport: ReturnType<typeof createBroadcastChannelTransport>) =>
  new Promise<unknown>((resolve) => {
    const off = transport.subscribe((message) => {
      off();
      resolve(message);
    });
  });

describe('createBroadcastChannelTransport', () => {
  it('names the path of a value it cannot clone, and sends nothing', async () => {
    const name = `clone-${randomId()}`;
    const [a, b] = [createBroadcastChannelTransport(name), createBroadcastChannelTransport(name)];
    const received = next(b);
    let thrown: unknown;
    try {
      a.send({ data: { handler: () => 1 } });
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'not_cloneable')).toBe(true);
    expect((thrown as Error).message).toMatch(
      /^message\.data\.handler cannot be structured-cloned/,
    );
    a.send('after');
    expect(await received).toBe('after');
    a.close();
    b.close();
  });

  it('reports a throwing listener and still delivers to the others', async () => {
    const name = `throw-${randomId()}`;
    const { logger, errors } = errorLogger();
    const [a, b] = [
      createBroadcastChannelTransport(name),
      createBroadcastChannelTransport(name, { logger }),
    ];
    b.subscribe(() => {
      throw new Error('listener bug');
    });
    const received = next(b);
    a.send('m');
    expect(await received).toBe('m');
    expect(errors).toMatchObject([{ message: 'transport listener threw' }]);
    a.close();
    b.close();
  });

  it('fails with invalid_option where BroadcastChannel is missing or the name is empty', () => {
    const original = globalThis.BroadcastChannel;
    try {
      // @ts-expect-error simulating a platform without BroadcastChannel
      delete globalThis.BroadcastChannel;
      expect(() => createBroadcastChannelTransport('x')).toThrowError(
        expect.objectContaining({ code: 'invalid_option' }),
      );
    } finally {
      globalThis.BroadcastChannel = original;
    }
    expect(() => createBroadcastChannelTransport('')).toThrowError(
      expect.objectContaining({ code: 'invalid_option' }),
    );
  });
});
