import './setup-tauri.js';
import type { InvalidationEvent, Logger, StateSyncError } from '@statesync/core';
import { emit, listen } from '@tauri-apps/api/event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTauriInvalidationSubscriber, type TauriListen } from '../src/index.js';
import { liveListenerCount, settle } from './setup-tauri.js';

const EVENT = 'settings:invalidated';

function recordingLogger() {
  const lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    lines.push(extra === undefined ? { level, message } : { level, message, extra });
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, lines };
}

beforeEach(() => {
  mockIPC(() => null, { shouldMockEvents: true });
});

afterEach(() => {
  clearMocks();
});

describe('createTauriInvalidationSubscriber', () => {
  it('hands the engine the checked payload of each Tauri event', async () => {
    const received: InvalidationEvent[] = [];
    const subscriber = createTauriInvalidationSubscriber({ listen, eventName: EVENT });
    const unsubscribe = await subscriber.subscribe((event) => received.push(event));
    expect(liveListenerCount()).toBe(1);

    await emit(EVENT, {
      topic: 'settings',
      revision: '7',
      epoch: 'e1',
      sourceId: 'main',
      extra: 1,
    });
    await emit('other:event', { topic: 'settings', revision: '8' });
    expect(received).toEqual([{ topic: 'settings', revision: '7', epoch: 'e1', sourceId: 'main' }]);

    unsubscribe();
    unsubscribe(); // idempotent
    expect(liveListenerCount()).toBe(0);
    await emit(EVENT, { topic: 'settings', revision: '9' });
    expect(received).toHaveLength(1);
  });

  it('drops malformed payloads with a protocol error to onInvalidEvent', async () => {
    const rejected: { error: StateSyncError; payload: unknown }[] = [];
    const received: InvalidationEvent[] = [];
    const subscriber = createTauriInvalidationSubscriber({
      listen,
      eventName: EVENT,
      onInvalidEvent: (error, payload) => rejected.push({ error, payload }),
    });
    await subscriber.subscribe((event) => received.push(event));

    await emit(EVENT, { topic: 'settings', revision: '1', delta: { base: '1', ops: [] } });
    await emit(EVENT, '{"topic":"settings","revision":"1"}');
    expect(received).toEqual([]);
    expect(rejected.map(({ error }) => error.code)).toEqual(['protocol', 'protocol']);
    expect(rejected[0]?.error.message).toContain('delta.base 1 must be older');
    expect(rejected[0]?.error.cause).toMatchObject({ code: 'protocol' });
    expect(rejected[1]?.payload).toBe('{"topic":"settings","revision":"1"}');
    expect(rejected[1]?.error.message).toContain('the payload is a string');
  });

  it('logs malformed payloads without onInvalidEvent, and survives throwing callbacks', async () => {
    const { logger, lines } = recordingLogger();
    const quiet = createTauriInvalidationSubscriber({ listen, eventName: EVENT, logger });
    await quiet.subscribe(() => {
      throw new Error('handler bug');
    });
    const loud = createTauriInvalidationSubscriber({
      listen,
      eventName: EVENT,
      logger,
      onInvalidEvent: () => {
        throw new Error('reporter bug');
      },
    });
    await loud.subscribe(() => {});

    await expect(emit(EVENT, { topic: 'settings' })).resolves.toBeUndefined();
    await expect(emit(EVENT, { topic: 'settings', revision: '2' })).resolves.toBeUndefined();
    expect(lines.map((line) => `${line.level} ${line.message}`)).toEqual([
      'error invalid event dropped',
      'error onInvalidEvent threw',
      'error invalidation handler threw',
    ]);
    expect(lines[0]?.extra).toMatchObject({ eventName: EVENT });
  });

  it('delivers nothing once unsubscribed, even while Tauri is still unlistening', async () => {
    const pending: (() => void)[] = [];
    // Unlistening goes through IPC in a real app; here it is held until the test lets it go.
    const slowUnlisten: TauriListen = async (event, handler) => {
      const unlisten = await listen(event, handler);
      return () => {
        pending.push(() => void unlisten());
      };
    };
    const received: InvalidationEvent[] = [];
    const subscriber = createTauriInvalidationSubscriber({
      listen: slowUnlisten,
      eventName: EVENT,
    });
    const unsubscribe = await subscriber.subscribe((event) => received.push(event));
    unsubscribe();
    await emit(EVENT, { topic: 'settings', revision: '1' });
    expect(received).toEqual([]);
    expect(pending).toHaveLength(1);
    pending[0]?.();
    await settle(1);
    expect(liveListenerCount()).toBe(0);
  });

  it('logs an unlisten that fails instead of leaving an unhandled rejection', async () => {
    const { logger, lines } = recordingLogger();
    const failingUnlisten: TauriListen = async (event, handler) => {
      await listen(event, handler);
      return () => Promise.reject(new Error('webview is gone'));
    };
    const subscriber = createTauriInvalidationSubscriber({
      listen: failingUnlisten,
      eventName: EVENT,
      logger,
    });
    const unsubscribe = await subscriber.subscribe(() => {});
    unsubscribe();
    await settle(1);
    expect(lines).toMatchObject([{ level: 'warn', message: 'unlisten failed' }]);
  });

  it('rejects with subscribe_failed when listen fails', async () => {
    const denied: TauriListen = () => Promise.reject({ message: 'event.listen not allowed' });
    const subscriber = createTauriInvalidationSubscriber({ listen: denied, eventName: EVENT });
    await expect(subscriber.subscribe(() => {})).rejects.toMatchObject({
      name: 'StateSyncError',
      code: 'subscribe_failed',
      message: `listen("${EVENT}") failed: event.listen not allowed`,
      cause: { message: 'event.listen not allowed' },
    });
  });

  it('checks its options', () => {
    for (const eventName of ['', 'settings changed', 'settings.invalidated', 7]) {
      expect(() =>
        createTauriInvalidationSubscriber({ listen, eventName: eventName as string }),
      ).toThrow(expect.objectContaining({ code: 'invalid_option' }));
    }
    expect(() =>
      createTauriInvalidationSubscriber({ listen: undefined as never, eventName: EVENT }),
    ).toThrow(expect.objectContaining({ code: 'invalid_option' }));
    expect(() =>
      createTauriInvalidationSubscriber({ listen, eventName: 'app/settings:invalidated_v2-ß' }),
    ).not.toThrow();
  });
});
