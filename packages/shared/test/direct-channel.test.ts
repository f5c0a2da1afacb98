import { isStateSyncError } from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientChannel, ServerChannel, SharedErrorContext } from '../src/index.js';
import { createTestBed, type TestBed } from '../src/testing.js';
import { counter } from './stores.js';

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
});

describe('the direct channel', () => {
  it('answers a client’s emit with the authority’s handler, and the authority’s with every client’s', async () => {
    bed = await createTestBed({ stores: [counter], clients: 3 });
    const { server, clients } = bed;
    let serverChannel: ServerChannel | undefined;
    server.onServer((channel) => {
      serverChannel = channel;
      const off = channel.listen(
        'greet',
        (name, from) => `hello, ${String(name)} (${from.clientId.length > 0})`,
      );
      return off;
    });
    // Two clients answer; the third does not listen to "test" and is left out.
    clients.slice(0, 2).forEach((client, index) => {
      client.onClient((channel: ClientChannel) =>
        channel.listen('test', (n) => `client ${index}: ${Number(n) + 1}`),
      );
    });
    expect(await clients[2]!.emit('greet', 'ada')).toBe('hello, ada (true)');
    const answers = await serverChannel!.emit('test', 41);
    expect([...answers].sort()).toEqual(['client 0: 42', 'client 1: 42']);
    // The server app's own emit/listen are the authority's side.
    expect(await server.emit('test', 1)).toHaveLength(2);
  });

  it('rejects an emit nobody listens to, and passes a handler’s error on', async () => {
    const errors: SharedErrorContext[] = [];
    bed = await createTestBed({ stores: [counter], onError: (context) => errors.push(context) });
    const [client] = bed.clients;
    const unheard = await client!.emit('nobody').catch((error: unknown) => error);
    expect(isStateSyncError(unheard, 'invalid_option')).toBe(true);
    bed.server.listen('fail', () => {
      throw new TypeError('handler bug');
    });
    const failed = await client!.emit('fail').catch((error: unknown) => error);
    expect(failed).toMatchObject({
      code: 'remote',
      remoteName: 'TypeError',
      message: 'handler bug',
    });
    // Handlers may answer asynchronously; answers must be cloneable too.
    bed.server.listen('later', async (payload) => ({ echoed: payload }));
    expect(await client!.emit('later', [1, 2])).toEqual({ echoed: [1, 2] });
    bed.server.listen('leaky', () => ({ run: () => 1 }));
    const leaky = await client!.emit('leaky').catch((error: unknown) => error);
    expect(isStateSyncError(leaky, 'not_cloneable')).toBe(true);
    expect((leaky as Error).message).toMatch(/listen\("leaky"\) answer\.run/);
  });

  it('runs onServer only on the authority and onClient only on clients, and their disposers on dispose', async () => {
    bed = await createTestBed({ stores: [counter], clients: 2 });
    const log: string[] = [];
    for (const [name, app] of [
      ['server', bed.server],
      ['client', bed.clients[0]!],
    ] as const) {
      app.onServer(() => {
        log.push(`${name}: onServer`);
        return () => log.push(`${name}: onServer disposed`);
      });
      app.onClient(() => {
        log.push(`${name}: onClient`);
        return () => log.push(`${name}: onClient disposed`);
      });
    }
    expect(log).toEqual(['server: onServer', 'client: onClient']);
    // Unsubscribing runs the disposer of an active setup.
    const off = bed.clients[1]!.onClient(() => () => log.push('second client: disposed early'));
    off();
    await bed.clients[0]!.dispose();
    await bed.server.dispose();
    expect(log.slice(2)).toEqual([
      'second client: disposed early',
      'client: onClient disposed',
      'server: onServer disposed',
    ]);
  });

  it('reports a throwing setup and keeps going', async () => {
    const errors: SharedErrorContext[] = [];
    bed = await createTestBed({ stores: [counter], onError: (context) => errors.push(context) });
    bed.clients[0]!.onClient(() => {
      throw new Error('setup bug');
    });
    expect(errors.map((context) => `${context.phase}:${context.error.message}`)).toEqual([
      'listener:onClient setup threw: setup bug',
    ]);
  });
});
