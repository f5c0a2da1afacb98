import {
  type InvalidationSubscriber,
  isStateSyncError,
  type Logger,
  noopLogger,
  parseInvalidation,
  StateSyncError,
  type Unsubscribe,
} from '@statesync/core';
import { assertFunction, describeFailure } from './command.js';
import type { TauriEvent, TauriListen } from './types.js';

export interface TauriInvalidationSubscriberOptions {
  /** `listen` from `@tauri-apps/api/event`. Passed in, so this package never loads Tauri itself. */
  listen: TauriListen;
  /**
   * The event the backend emits after each change, e.g. `'settings:invalidated'`. Tauri allows
   * letters, digits, `-`, `/`, `:` and `_`.
   */
  eventName: string;
  /**
   * Told about each malformed payload, with a `protocol` error and the payload as received; the
   * event is then dropped. `createTauriRevisionSync` routes these to its `onError`.
   * @default logs the error through `logger`
   */
  onInvalidEvent?: (error: StateSyncError, payload: unknown) => void;
  /** @default noopLogger */
  logger?: Logger;
}

/** What Tauri accepts as an event name (it rejects anything else when listening). */
const EVENT_NAME = /^[\p{L}\p{N}\-/:_]+$/u;

/**
 * An `InvalidationSubscriber` over a Tauri event. Each payload is checked with
 * `parseInvalidation`: valid ones reach the engine, malformed ones go to `onInvalidEvent` and
 * are dropped. Nothing thrown here reaches Tauri's event loop.
 */
export function createTauriInvalidationSubscriber(
  options: TauriInvalidationSubscriberOptions,
): InvalidationSubscriber {
  const { listen, eventName, onInvalidEvent } = options;
  const logger = options.logger ?? noopLogger;
  assertFunction(listen, 'listen', 'createTauriInvalidationSubscriber');
  if (typeof eventName !== 'string' || !EVENT_NAME.test(eventName)) {
    throw new StateSyncError(
      'invalid_option',
      `createTauriInvalidationSubscriber: eventName ${JSON.stringify(eventName)} is not a valid ` +
        'Tauri event name (letters, digits, "-", "/", ":" and "_")',
    );
  }

  const reject = (error: StateSyncError, payload: unknown) => {
    if (!onInvalidEvent) {
      logger.error('invalid event dropped', { eventName, message: error.message });
      return;
    }
    try {
      onInvalidEvent(error, payload);
    } catch (thrown) {
      logger.error('onInvalidEvent threw', { error: thrown });
    }
  };

  const check = (payload: unknown) => {
    try {
      return parseInvalidation(payload);
    } catch (thrown) {
      const detail = isStateSyncError(thrown) ? thrown.message : describeFailure(thrown);
      // A common slip on the Rust side: emitting serde_json::to_string(&event) instead of the event.
      const hint =
        typeof payload === 'string'
          ? ' (the payload is a string: emit the struct, not its JSON)'
          : '';
      reject(
        new StateSyncError('protocol', `"${eventName}" payload is malformed: ${detail}${hint}`, {
          cause: thrown,
        }),
        payload,
      );
      return undefined;
    }
  };

  return {
    async subscribe(handler) {
      let active = true;
      const onEvent = (message: TauriEvent) => {
        if (!active) return;
        const payload: unknown =
          typeof message === 'object' && message !== null ? message.payload : undefined;
        const event = check(payload);
        if (!event) return;
        try {
          handler(event);
        } catch (thrown) {
          logger.error('invalidation handler threw', { eventName, error: thrown });
        }
      };
      let unlisten: Awaited<ReturnType<TauriListen>>;
      try {
        unlisten = await listen(eventName, onEvent);
      } catch (thrown) {
        active = false;
        if (isStateSyncError(thrown)) throw thrown;
        throw new StateSyncError(
          'subscribe_failed',
          `listen("${eventName}") failed: ${describeFailure(thrown)}`,
          { cause: thrown },
        );
      }
      const unsubscribe: Unsubscribe = () => {
        if (!active) return;
        active = false;
        const failed = (thrown: unknown) =>
          logger.warn('unlisten failed', { eventName, error: thrown });
        try {
          const done = unlisten();
          if (done && typeof done.then === 'function') done.then(undefined, failed);
        } catch (thrown) {
          failed(thrown);
        }
      };
      return unsubscribe;
    },
  };
}
