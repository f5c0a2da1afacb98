import { type Logger, type PatchOp, StateSyncError, serializeError } from '@statesync/core';
import type { AnyStoreDefinition } from '@statesync/shared';
import { runAction } from '@statesync/shared/server';
import type { CallKey, RedisStore } from './redis-store.js';

export interface RunRequest {
  topic: string;
  action: string;
  args: readonly unknown[];
  /** The caller's series and sequence number; without it the run is not deduplicated. */
  call?: CallKey;
  /** Who caused the change, carried by the stream entry. */
  origin: string;
}

export interface RunResult {
  revision: string;
  epoch: string;
  value?: unknown;
  error?: ReturnType<typeof serializeError>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs actions against the canonical state in Redis: read, run the store's action on a draft
 * (real JSON patches), commit if the revision did not move. Runs of one topic are queued per
 * instance, so conflicts come only from other instances; a conflict or a Redis outage is retried
 * after a jittered pause that grows, until `deadlineMs` has passed.
 */
export function createTopicRunner(
  store: RedisStore,
  definitions: ReadonlyMap<string, AnyStoreDefinition>,
  logger: Logger,
  deadlineMs: number,
) {
  const queues = new Map<string, Promise<unknown>>();
  let stopped = false;

  async function attemptAll(request: RunRequest, definition: AnyStoreDefinition) {
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      if (stopped) throw new StateSyncError('stopped', 'the server is closing');
      try {
        const current = await store.read(request.topic);
        const data = current.data ?? definition.state();
        let mode: 'change' | 'same' | 'error' = 'same';
        let answer: { value?: unknown; error?: ReturnType<typeof serializeError> };
        let next: unknown = data;
        let ops: PatchOp[] = [];
        try {
          const outcome = runAction(definition, data as object, request.action, request.args);
          next = outcome.state;
          ops = outcome.ops;
          if (ops.length > 0) mode = 'change';
          answer = { value: outcome.value };
        } catch (error) {
          // A failing action changes nothing; its failure is recorded so a re-send gets it too.
          mode = 'error';
          answer = { error: serializeError(error) };
        }
        const outcome = await store.commit(
          request.topic,
          current.revision,
          request.call,
          mode,
          next,
          answer,
          request.origin,
          ops,
        );
        if (outcome.kind === 'applied') {
          return { revision: outcome.revision, epoch: outcome.epoch, ...answer };
        }
        if (outcome.kind === 'duplicate') {
          if (outcome.answer === undefined) {
            const error = new StateSyncError(
              'protocol',
              `call ${request.call?.seq} was applied before and its answer is no longer kept`,
              { reason: 'expired' },
            );
            return {
              revision: outcome.revision,
              epoch: outcome.epoch,
              error: serializeError(error),
            };
          }
          return {
            revision: outcome.revision,
            epoch: outcome.epoch,
            ...JSON.parse(outcome.answer),
          };
        }
      } catch (error) {
        if (stopped) throw new StateSyncError('stopped', 'the server is closing');
        logger.warn('a run reached no Redis; trying again', { topic: request.topic, error });
      }
      if (Date.now() - started > deadlineMs) {
        throw new StateSyncError(
          'timeout',
          `${request.topic}.${request.action}: no commit in ${deadlineMs} ms`,
        );
      }
      await sleep(Math.random() * Math.min(200, 2 ** attempt));
    }
  }

  return {
    run(request: RunRequest): Promise<RunResult> {
      const definition = definitions.get(request.topic);
      if (!definition) {
        return Promise.reject(
          new StateSyncError('invalid_option', `no topic "${request.topic}" here`),
        );
      }
      if (!Object.hasOwn(definition.actions, request.action)) {
        return Promise.reject(
          new StateSyncError(
            'invalid_option',
            `topic "${request.topic}" has no action "${request.action}"`,
          ),
        );
      }
      const previous = queues.get(request.topic) ?? Promise.resolve();
      const result = previous.then(() => attemptAll(request, definition));
      const settled = result.catch(() => {});
      queues.set(request.topic, settled);
      void settled.then(() => {
        if (queues.get(request.topic) === settled) queues.delete(request.topic);
      });
      return result as Promise<RunResult>;
    },
    stop() {
      stopped = true;
    },
  };
}

export type TopicRunner = ReturnType<typeof createTopicRunner>;
