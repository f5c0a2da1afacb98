import {
  type Logger,
  type Message,
  PROTOCOL_VERSION,
  StateSyncError,
  serializeError,
} from '@statesync/core';
import type { WebSocket } from 'ws';
import { checkAccess } from './access.js';
import type { FanOut } from './fan-out.js';
import { follow } from './follow.js';
import type { RedisStore } from './redis-store.js';
import type { TopicRunner } from './topic-runner.js';
import type { Principal, StateSyncServerOptions } from './types.js';

export interface ConnectionContext {
  options: StateSyncServerOptions;
  topics: ReadonlySet<string>;
  store: RedisStore;
  /** The topic's canonical state, its store's initial state while never written. */
  snapshot(topic: string): Promise<{ revision: string; epoch: string; data: unknown }>;
  runner: TopicRunner;
  fanOut: FanOut;
  logger: Logger;
}

/** A call id ends in its sequence number; what comes before names the caller's series. */
const CALL_ID = /^(.{1,200}\D)(\d{1,15})$/;

type Incoming = { v: number; type: string; [key: string]: unknown };

const text = (value: unknown, what: string) => {
  if (typeof value !== 'string' || value === '') {
    throw new StateSyncError('protocol', `${what} must be a non-empty string`);
  }
  return value;
};

/** Serves one WebSocket: hello, subscribe/unsubscribe, pull, call, and emit (unhandled here). */
export function serveConnection(
  socket: WebSocket,
  principal: Principal,
  context: ConnectionContext,
) {
  const { options, topics, store, runner, fanOut, logger } = context;
  const following = new Map<string, Promise<() => void>>();
  let open = true;
  const sendJson = (json: string) => {
    if (open && socket.readyState === socket.OPEN) socket.send(json);
  };
  const send = (message: Message | Incoming) => sendJson(JSON.stringify(message));

  const knownTopic = (value: unknown) => {
    const topic = text(value, 'topic');
    if (!topics.has(topic)) throw new StateSyncError('invalid_option', `no topic "${topic}" here`);
    return topic;
  };

  const unfollow = (topic: string) => {
    const off = following.get(topic);
    following.delete(topic);
    void off?.then((stop) => stop());
  };

  async function handle(message: Incoming) {
    switch (message.type) {
      case 'hello': {
        const app = options.app;
        const version = app?.version ?? '0';
        let error: StateSyncError | undefined;
        if (!app || message.app !== app.name) {
          error = new StateSyncError(
            'protocol',
            `this server serves no app "${String(message.app)}"`,
          );
        } else if (message.version !== version) {
          error = new StateSyncError(
            'protocol',
            `app version "${String(message.version)}" does not match the server's "${version}"`,
            { reason: 'version_mismatch' },
          );
        }
        send({
          v: PROTOCOL_VERSION,
          type: 'welcome',
          app: app?.name ?? String(message.app),
          version,
          // A subscribe that names a revision is answered with what came after it.
          resume: true,
          ...(error && { error: serializeError(error) }),
        });
        return;
      }
      case 'subscribe': {
        const topic = knownTopic(message.topic);
        await checkAccess(options, { principal, topic, kind: 'read' });
        if (following.has(topic)) unfollow(topic);
        const from = {
          revision: typeof message.revision === 'string' ? message.revision : undefined,
          epoch: typeof message.epoch === 'string' ? message.epoch : undefined,
        };
        const followed = follow(fanOut, store, topic, from, (item) => sendJson(item.json), logger);
        following.set(
          topic,
          followed.then((result) => result.off),
        );
        // After what was missed: a shared app's engine waits for this to know it is current.
        const { at } = await followed;
        if (at) send({ v: PROTOCOL_VERSION, type: 'subscribed', topic, ...at });
        return;
      }
      case 'unsubscribe':
        return unfollow(text(message.topic, 'topic'));
      case 'pull': {
        const id = text(message.id, 'pull.id');
        try {
          const topic = knownTopic(message.topic);
          await checkAccess(options, { principal, topic, kind: 'read' });
          send({
            v: PROTOCOL_VERSION,
            type: 'snapshot',
            id,
            topic,
            ...(await context.snapshot(topic)),
          });
        } catch (error) {
          send({
            v: PROTOCOL_VERSION,
            type: 'pull-error',
            id,
            topic: String(message.topic),
            error: serializeError(error),
          });
        }
        return;
      }
      case 'call': {
        const id = text(message.id, 'call.id');
        try {
          const topic = knownTopic(message.topic);
          const action = text(message.action, 'call.action');
          if (!Array.isArray(message.args))
            throw new StateSyncError('protocol', 'call.args must be an array');
          const parts = CALL_ID.exec(id);
          if (!parts)
            throw new StateSyncError('protocol', `call id "${id}" must end in a sequence number`);
          await checkAccess(options, { principal, topic, kind: 'call', action });
          const result = await runner.run({
            topic,
            action,
            args: message.args,
            call: { client: `${principal.id}/${parts[1]}`, seq: Number(parts[2]) },
            origin: principal.id,
          });
          send({ v: PROTOCOL_VERSION, type: 'result', id, ...result });
        } catch (error) {
          send({
            v: PROTOCOL_VERSION,
            type: 'result',
            id,
            // Nothing was applied: no revision, and no epoch to name.
            revision: '0',
            epoch: 'none',
            error: serializeError(error),
          });
        }
        return;
      }
      case 'emit':
        send({ v: PROTOCOL_VERSION, type: 'emit-result', id: String(message.id), handled: false });
        return;
      default:
        return; // bye, and messages of later versions
    }
  }

  socket.on('message', (raw) => {
    let message: Incoming;
    try {
      message = JSON.parse(String(raw)) as Incoming;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || message.v !== PROTOCOL_VERSION) return;
    handle(message).catch((error: unknown) => {
      logger.debug('dropped a message', { type: message.type, error });
    });
  });
  socket.on('close', () => {
    open = false;
    for (const topic of [...following.keys()]) unfollow(topic);
  });
}
