import { PROTOCOL_VERSION, type Transport } from '@statesync/core';
import { mockPairTransports } from '../src/testing.js';

type Message = Record<string, unknown>;

/**
 * A hand-driven authority on the other end of a client's link: it welcomes, and answers the
 * `n`th pull with what `answer` returns (by default, revision 0 of `{ count: 0 }`).
 */
export function fakeAuthority(
  app = 'fake',
  answer: (pull: Message, n: number) => Message = () => ({ revision: '0', data: { count: 0 } }),
) {
  const [client, server] = mockPairTransports();
  const received: Message[] = [];
  let link: Transport | undefined;
  let pulls = 0;
  server.accept((transport) => {
    link = transport;
    transport.subscribe((raw) => {
      const message = raw as Message;
      received.push(message);
      if (message.type === 'hello') {
        transport.send({ v: PROTOCOL_VERSION, type: 'welcome', app, version: '0' });
      } else if (message.type === 'pull') {
        const base = {
          v: PROTOCOL_VERSION,
          type: 'snapshot',
          id: message.id,
          topic: message.topic,
        };
        transport.send({ ...base, epoch: 'e1', ...answer(message, ++pulls) });
      }
    });
  });
  return {
    client,
    received,
    pulls: () => pulls,
    send: (message: unknown) => link!.send(message),
  };
}

/** The rejection of `promise`; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Waits until `check()` holds, polling; throws naming `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const quiet = { debug() {}, info() {}, warn() {}, error() {} };
export const MAX_U64 = '18446744073709551615';
