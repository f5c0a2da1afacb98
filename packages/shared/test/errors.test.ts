import { isStateSyncError, PROTOCOL_VERSION, type Transport } from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSharedApp,
  defineStore,
  type SharedApp,
  type SharedErrorContext,
  spawn,
} from '../src/index.js';
import { createTestBed, mockPairTransports, type TestBed } from '../src/testing.js';
import { counter, todos } from './stores.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const meta = defineStore({
  name: 'meta',
  state: () => ({ tags: {} as Record<string, unknown>, n: 0 }),
  actions: {
    tag(draft, key: string, value: unknown) {
      draft.tags[key] = value;
    },
    leak(draft) {
      draft.n++;
      return { count: draft.n, callback: () => draft.n };
    },
    nothing(draft) {
      draft.n++;
    },
  },
});

let bed: TestBed | undefined;
const apps: SharedApp[] = [];
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
  await Promise.all(apps.splice(0).map((app) => app.dispose()));
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('calls that fail', () => {
  it('reject with the name and message of what the action threw, as a remote error', async () => {
    bed = await createTestBed({ stores: [todos] });
    const error = await rejection(spawn(bed.clients[0]!.store(todos), 'toggle', [7]));
    expect(isStateSyncError(error, 'remote')).toBe(true);
    expect(error).toMatchObject({
      remoteName: 'RangeError',
      message: 'no todo 7',
      store: 'todos',
      action: 'toggle',
    });
    // Nothing changed, and the next call works.
    expect(await spawn(bed.clients[0]!.store(todos), 'add', ['ok'])).toBe(1);
  });

  it('resolve undefined only when the action returned nothing', async () => {
    bed = await createTestBed({ stores: [meta] });
    await expect(spawn(bed.clients[0]!.store(meta), 'nothing', [])).resolves.toBeUndefined();
    expect(bed.clients[0]!.store(meta).getState().n).toBe(1);
  });

  it('name the path of an argument that cannot be cloned, and send nothing', async () => {
    bed = await createTestBed({ stores: [meta] });
    const store = bed.clients[0]!.store(meta);
    const error = await rejection(spawn(store, 'tag', ['x', { deep: [1, { onClick: () => 1 }] }]));
    expect(isStateSyncError(error, 'not_cloneable')).toBe(true);
    expect((error as Error).message).toMatch(/^meta\.tag args\[1\]\.deep\[1\]\.onClick cannot be/);
    expect(bed.server.store(meta).status.getState().localRevision).toBe('0');
  });

  it('name the path of a result that cannot be cloned, and keep no change', async () => {
    bed = await createTestBed({ stores: [meta] });
    const error = await rejection(spawn(bed.clients[0]!.store(meta), 'leak', []));
    expect(isStateSyncError(error, 'not_cloneable')).toBe(true);
    expect((error as Error).message).toMatch(/^meta\.leak result\.callback cannot be/);
    expect(bed.server.store(meta).getState().n).toBe(0);
  });

  it('refuse an unknown action before sending, and the authority refuses it too', async () => {
    bed = await createTestBed({ stores: [counter] });
    const handle = bed.clients[0]!.store(counter);
    const error = await rejection(spawn(handle, 'reset' as never, [] as never));
    expect(isStateSyncError(error, 'invalid_option')).toBe(true);
    const viaServer = await rejection(
      spawn(bed.server.store(counter), 'reset' as never, [] as never),
    );
    expect(isStateSyncError(viaServer, 'invalid_option')).toBe(true);
    const notAHandle = await rejection(spawn(counter as never, 'increase', [1] as never));
    expect(isStateSyncError(notAHandle, 'invalid_option')).toBe(true);
  });

  it('time out when the authority is gone, instead of hanging', async () => {
    bed = await createTestBed({ stores: [counter], callTimeoutMs: 50 });
    await bed.server.dispose();
    const error = await rejection(spawn(bed.clients[0]!.store(counter), 'increase', [1]));
    expect(isStateSyncError(error, 'timeout')).toBe(true);
    expect((error as Error).message).toMatch(/counter\.increase timed out after 50 ms: no answer/);
  });

  it('reject with stopped when the app is disposed while they wait', async () => {
    bed = await createTestBed({ stores: [counter] });
    const pending = spawn(bed.clients[0]!.store(counter), 'increase', [1]);
    await bed.clients[0]!.dispose();
    const error = await rejection(pending);
    expect(isStateSyncError(error, 'stopped')).toBe(true);
    expect(
      isStateSyncError(
        await rejection(spawn(bed.clients[0]!.store(counter), 'increase', [1])),
        'stopped',
      ),
    ).toBe(true);
  });
});

/** A hand-driven authority on the other end of a client's link. */
function fakeAuthority(app = 'fake', version = '0') {
  const [client, server] = mockPairTransports();
  const received: Record<string, unknown>[] = [];
  let link: Transport | undefined;
  server.accept((transport) => {
    link = transport;
    transport.subscribe((raw) => {
      const message = raw as Record<string, unknown>;
      received.push(message);
      if (message.type === 'hello') {
        transport.send({ v: PROTOCOL_VERSION, type: 'welcome', app, version });
      } else if (message.type === 'pull') {
        transport.send({
          v: PROTOCOL_VERSION,
          type: 'snapshot',
          id: message.id,
          topic: message.topic,
          revision: '0',
          epoch: 'e1',
          data: { count: 0 },
        });
      }
    });
  });
  return { client, received, send: (message: unknown) => link!.send(message) };
}

describe('malformed messages', () => {
  it('are dropped with a protocol error on the authority, never thrown into the link', async () => {
    const errors: SharedErrorContext[] = [];
    bed = await createTestBed({ stores: [counter], onError: (context) => errors.push(context) });
    const raw = bed.hub.connect();
    raw.subscribe(() => {});
    for (const message of [
      'hello',
      {},
      { v: 1, type: 'call', id: 'x' },
      { v: 1, type: 'warp' },
      { v: 1, type: 'pull', id: 'p', topic: 'test-app/counter' }, // before hello
      { v: 99, type: 'hello', app: 'test-app', version: '0', clientId: 'c' },
    ]) {
      raw.send(message);
    }
    await bed.settle();
    const messageErrors = errors.filter((context) => context.phase === 'message');
    expect(messageErrors).toHaveLength(6);
    for (const { error } of messageErrors) expect(error.code).toBe('protocol');
    expect(messageErrors.at(-1)!.error.message).toMatch(/protocol version 99 is not supported/);
    // The authority still serves its clients.
    expect(await spawn(bed.clients[0]!.store(counter), 'increase', [1])).toBe(1);
  });

  it('are dropped with a protocol error on a client; a malformed result fails its call', async () => {
    const errors: SharedErrorContext[] = [];
    const fake = fakeAuthority();
    const app = createSharedApp({
      stores: [counter],
      share: { name: 'fake', port: 'client', type: 'SharedWorker', transport: fake.client },
      logger: quiet,
      onError: (context) => errors.push(context),
    });
    apps.push(app);
    await app.ready;
    fake.send({ v: 1, type: 'snapshot' });
    fake.send(42);
    const call = spawn(app.store(counter), 'increase', [1]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const sent = fake.received.find((message) => message.type === 'call')!;
    // A success without a value is malformed: never an accidental undefined.
    fake.send({ v: 1, type: 'result', id: sent.id, revision: '1', epoch: 'e1' });
    const error = await rejection(call);
    expect(isStateSyncError(error, 'protocol')).toBe(true);
    expect((error as Error).message).toMatch(/needs a value or an error/);
    expect(errors.map((context) => `${context.phase}:${context.error.code}`)).toEqual([
      'message:protocol',
      'message:protocol',
      'message:protocol',
    ]);
  });
});

describe('read your writes', () => {
  it('times out when the answer comes but this copy cannot reach its revision', async () => {
    const fake = fakeAuthority(); // answers every pull with revision 0
    const app = createSharedApp({
      stores: [counter],
      share: { name: 'fake', port: 'client', type: 'SharedWorker', transport: fake.client },
      logger: quiet,
      callTimeoutMs: 100,
    });
    apps.push(app);
    await app.ready;
    const call = spawn(app.store(counter), 'increase', [1]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const sent = fake.received.find((message) => message.type === 'call')!;
    fake.send({ v: 1, type: 'result', id: sent.id, revision: '5', epoch: 'e1', value: 1 });
    const error = await rejection(call);
    expect(isStateSyncError(error, 'timeout')).toBe(true);
    expect((error as Error).message).toMatch(
      /answered, but this copy of "counter" did not catch up/,
    );
    // It did try: the answer made the client pull.
    expect(fake.received.filter((message) => message.type === 'pull').length).toBeGreaterThan(1);
  });
});

describe('the handshake', () => {
  it('refuses a client of another version: ready rejects, onError hears why', async () => {
    const errors: SharedErrorContext[] = [];
    bed = await createTestBed({ stores: [counter], onError: (context) => errors.push(context) });
    const app = createSharedApp({
      stores: [counter],
      share: {
        name: 'test-app',
        port: 'client',
        type: 'SharedWorker',
        transport: bed.hub.connect(),
        version: '2',
      },
      logger: quiet,
    });
    apps.push(app);
    const error = await rejection(app.ready);
    expect(isStateSyncError(error, 'protocol')).toBe(true);
    expect(error).toMatchObject({ reason: 'version_mismatch' });
    expect((error as Error).message).toMatch(/app version "2" does not match the authority's "0"/);
    expect(errors.map((context) => context.phase)).toEqual(['connect']);
    // Calls fail with the same error rather than waiting.
    expect(await rejection(spawn(app.store(counter), 'increase', [1]))).toBe(error);
  });

  it('gives up on an authority that never answers, with a timeout', async () => {
    const [client] = mockPairTransports();
    const app = createSharedApp({
      stores: [counter],
      share: {
        name: 'lonely',
        port: 'client',
        type: 'SharedWorker',
        transport: client,
        startTimeoutMs: 30,
      },
      logger: quiet,
    });
    apps.push(app);
    const error = await rejection(app.ready);
    expect(isStateSyncError(error, 'timeout')).toBe(true);
  });
});
