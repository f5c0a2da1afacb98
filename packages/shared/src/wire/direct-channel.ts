import {
  assertCloneable,
  createPendingRequests,
  deserializeError,
  type Logger,
  PROTOCOL_VERSION,
  randomId,
  StateSyncError,
  serializeError,
  type Timers,
  type Unsubscribe,
} from '@statesync/core';
import type { ServerChannel } from '../types.js';
import type { EmitMessage, EmitResultMessage, WireMessage } from './protocol.js';
import type { Report } from './report.js';

/** How one peer answered an `emit`. */
export type EmitOutcome =
  | { kind: 'value'; value: unknown }
  | { kind: 'error'; error: StateSyncError }
  | { kind: 'unhandled' }
  | { kind: 'timeout' };

export interface DirectChannelOptions<P> {
  send(peer: P, message: WireMessage): void;
  /** The peers an `emit` goes to: the authority for a client, every client for the authority. */
  peers(): P[];
  /** What a handler is told about the sender. */
  sender(peer: P): { clientId: string };
  timeoutMs: number;
  timers: Timers;
  report: Report;
  logger: Logger;
}

/** The direct channel between roles, for either side: requests out, answers back. */
export interface DirectChannel<P> {
  /** Sends to every peer; resolves once each answered or the timeout passed. */
  request(name: string, payload: unknown): Promise<EmitOutcome[]>;
  listen(
    name: string,
    handler: (payload: unknown, from: { clientId: string }) => unknown,
  ): Unsubscribe;
  /** Runs this side's handler for a peer's `emit` and sends the answer. */
  answer(peer: P, message: EmitMessage): void;
  /** Takes a peer's answer to one of this side's requests. */
  settle(peer: P, message: EmitResultMessage): void;
  /** The peer left: stop waiting for it. */
  forget(peer: P): void;
  /** Settles every request (waiting peers count as timed out) and drops the handlers. */
  dispose(): void;
}

/** A request in flight: the peers still to answer, and the answers so far. */
interface Pending<P> {
  waiting: Set<P>;
  outcomes: EmitOutcome[];
}

/** The answers so far, and a timeout for every peer still silent. */
const withTimeouts = <P>({ waiting, outcomes }: Pending<P>): EmitOutcome[] => [
  ...outcomes,
  ...[...waiting].map((): EmitOutcome => ({ kind: 'timeout' })),
];

export function createDirectChannel<P>(options: DirectChannelOptions<P>): DirectChannel<P> {
  const { send, timers, logger } = options;
  const handlers = new Map<string, (payload: unknown, from: { clientId: string }) => unknown>();
  // A request never fails: peers that do not answer in time count as timed out.
  const pending = createPendingRequests<EmitOutcome[], Pending<P>>({
    timers,
    onTimeout: (_id, request) => ({ value: withTimeouts(request) }),
  });
  const prefix = randomId().slice(0, 8);
  let counter = 0;

  const finish = (id: string) => {
    const request = pending.get(id);
    if (request) pending.resolve(id, withTimeouts(request));
  };

  const reply = (peer: P, id: string, answer: Partial<EmitResultMessage>) => {
    try {
      send(peer, { v: PROTOCOL_VERSION, type: 'emit-result', id, handled: true, ...answer });
    } catch (error) {
      logger.error('could not send a direct-channel answer', { error });
    }
  };

  return {
    request(name, payload) {
      assertCloneable(payload, `emit("${name}") payload`);
      const peers = options.peers();
      if (peers.length === 0) return Promise.resolve([]);
      const id = `${prefix}-${++counter}`;
      const request: Pending<P> = { waiting: new Set(peers), outcomes: [] };
      const answered = pending.add(id, request, { timeoutMs: options.timeoutMs });
      const message: EmitMessage = { v: PROTOCOL_VERSION, type: 'emit', id, name, payload };
      for (const peer of peers) {
        try {
          send(peer, message);
        } catch (error) {
          logger.error('could not send a direct-channel message', { error });
          request.waiting.delete(peer);
          request.outcomes.push({
            kind: 'error',
            error: new StateSyncError('stopped', `emit("${name}") could not be sent`, {
              cause: error,
            }),
          });
        }
      }
      if (request.waiting.size === 0) finish(id);
      return answered;
    },
    listen(name, handler) {
      if (typeof name !== 'string' || name === '') {
        throw new StateSyncError('invalid_option', 'listen needs a non-empty name');
      }
      // One handler per name: two answers to one question would be ambiguous.
      if (handlers.has(name)) {
        throw new StateSyncError('invalid_option', `something already listens to "${name}"`);
      }
      handlers.set(name, handler);
      return () => {
        if (handlers.get(name) === handler) handlers.delete(name);
      };
    },
    answer(peer, message) {
      const handler = handlers.get(message.name);
      if (!handler) {
        reply(peer, message.id, { handled: false });
        return;
      }
      const fail = (error: unknown) => reply(peer, message.id, { error: serializeError(error) });
      let result: unknown;
      try {
        result = handler(message.payload, options.sender(peer));
      } catch (error) {
        fail(error);
        return;
      }
      Promise.resolve(result).then((value) => {
        try {
          assertCloneable(value, `listen("${message.name}") answer`);
        } catch (error) {
          fail(error);
          return;
        }
        reply(peer, message.id, { value });
      }, fail);
    },
    settle(peer, message) {
      const request = pending.get(message.id);
      if (!request?.waiting.delete(peer)) return;
      if (message.error !== undefined) {
        request.outcomes.push({ kind: 'error', error: deserializeError(message.error) });
      } else if (!message.handled) {
        request.outcomes.push({ kind: 'unhandled' });
      } else {
        request.outcomes.push({ kind: 'value', value: message.value });
      }
      if (request.waiting.size === 0) finish(message.id);
    },
    forget(peer) {
      for (const id of pending.ids()) {
        const request = pending.get(id);
        if (request?.waiting.delete(peer) && request.waiting.size === 0) finish(id);
      }
    },
    dispose() {
      handlers.clear();
      for (const id of pending.ids()) finish(id);
    },
  };
}

/**
 * The authority's side of the channel: an `emit` resolves with the answers of the clients
 * that listen; failed handlers are reported, silent clients logged.
 */
export function serverChannel<P>(
  direct: DirectChannel<P>,
  report: Report,
  logger: Logger,
): ServerChannel {
  return {
    async emit(name, payload) {
      const values: unknown[] = [];
      for (const outcome of await direct.request(name, payload)) {
        if (outcome.kind === 'value') values.push(outcome.value);
        else if (outcome.kind === 'error') report({ phase: 'listener', error: outcome.error });
        else if (outcome.kind === 'timeout') logger.warn('a client did not answer', { name });
      }
      return values;
    },
    listen: direct.listen,
  };
}
