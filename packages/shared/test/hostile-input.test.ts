// What a hostile peer or a buggy sender puts on a link: each is refused with a typed error and
// nothing of it is applied.
import {
  assertCloneable,
  isStateSyncError,
  PROTOCOL_VERSION,
  type Transport,
} from '@statesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSharedApp,
  defineStore,
  type SharedApp,
  type SharedErrorContext,
  spawn,
} from '../src/index.js';
import { createExtensionServerTransport } from '../src/links/extension-transport.js';
import { createTestBed, type TestBed } from '../src/testing.js';
import { runtimeStandIn } from './extension-runtime-stand-in.js';
import { fakeAuthority, MAX_U64, quiet, rejection, until } from './fake-authority.js';
import { counter } from './stores.js';

let bed: TestBed | undefined;
const apps: SharedApp[] = [];
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
  await Promise.all(apps.splice(0).map((app) => app.dispose()));
  delete (Object.prototype as Record<string, unknown>).polluted;
});

function clientOf(transport: Transport, errors: SharedErrorContext[], name = 'fake') {
  const app = createSharedApp({
    stores: [counter],
    share: { name, port: 'client', type: 'SharedWorker', transport },
    logger: quiet,
    onError: (context) => errors.push(context),
  });
  apps.push(app);
  return app;
}

const codes = (errors: SharedErrorContext[]) => errors.map((context) => context.error.code);

describe('snapshots a client refuses', () => {
  const unusable: [string, Record<string, unknown>][] = [
    ['no data', { revision: '3' }],
    ['data: null', { revision: '3', data: null }],
    ['data: "a string"', { revision: '3', data: 'a string' }],
    ['an array for an object store', { revision: '3', data: [1, 2] }],
  ];
  for (const [what, answer] of unusable) {
    it(`with ${what}: a protocol error, nothing applied`, async () => {
      const errors: SharedErrorContext[] = [];
      const fake = fakeAuthority('fake', () => answer);
      const app = clientOf(fake.client, errors);
      await app.ready;
      await until(() => errors.length > 0, 'the report');
      expect(codes(errors)).toContain('protocol');
      expect(app.store(counter).getState()).toEqual({ count: 0 });
      expect(app.store(counter).status.getState().localRevision).toBeUndefined();
    });
  }

  it('at the highest revision: refused, and the copy goes on with the real ones', async () => {
    const errors: SharedErrorContext[] = [];
    // The first answer is forged (as a sibling tab could post it); the later ones are true.
    const fake = fakeAuthority('fake', (_pull, n) =>
      n === 1 ? { revision: MAX_U64, data: { count: 999 } } : { revision: '1', data: { count: 1 } },
    );
    const app = clientOf(fake.client, errors);
    await app.ready;
    expect(codes(errors)).toContain('protocol');
    expect(app.store(counter).getState()).toEqual({ count: 0 });
    // Not frozen: the next change is shown.
    fake.send({ v: PROTOCOL_VERSION, type: 'invalidate', topic: 'fake/counter', revision: '1' });
    await until(() => app.store(counter).getState().count === 1, 'the true snapshot');
    expect(app.store(counter).status.getState().localRevision).toBe('1');
  });

  it('answering a pull but naming another topic: refused', async () => {
    const errors: SharedErrorContext[] = [];
    const fake = fakeAuthority('fake', (pull, n) =>
      n === 1
        ? { topic: 'fake/other', revision: '4', data: { count: 4 } }
        : { topic: pull.topic, revision: '0', data: { count: 0 } },
    );
    const app = clientOf(fake.client, errors);
    await app.ready;
    await until(() => errors.length > 0, 'the report');
    expect(errors[0]!.error.code).toBe('protocol');
    expect(errors[0]!.error.message).toMatch(/"fake\/other" answered the pull of "fake\/counter"/);
    expect(app.store(counter).getState()).toEqual({ count: 0 });
  });

  it('a delta that replaces the whole state with a string: refused', async () => {
    const errors: SharedErrorContext[] = [];
    const fake = fakeAuthority();
    const app = clientOf(fake.client, errors);
    await app.ready;
    const ops = [{ op: 'replace', path: [], value: 'gone' }];
    const delta = { base: '0', ops };
    fake.send({ v: 1, type: 'invalidate', topic: 'fake/counter', revision: '1', delta });
    await until(() => errors.length > 0, 'the report');
    expect(app.store(counter).getState()).toEqual({ count: 0 });
  });
});

/** Walks `path` from the draft and writes `value` there, as a naive "set at path" does. */
const deep = defineStore({
  name: 'deep',
  state: () => ({ map: {} as Record<string, unknown> }),
  actions: {
    setIn(draft, path: string[], value: unknown) {
      let target = draft.map as Record<string, unknown>;
      for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
      target[path.at(-1)!] = value;
    },
    put(draft, key: string, value: unknown) {
      draft.map[key] = value;
    },
    putOwn(draft, suffix: string) {
      draft.map[`proto${suffix}`] = 1;
    },
  },
});

describe('keys that reach a prototype', () => {
  it('are refused in call args, from a client and on the authority, and nothing is polluted', async () => {
    bed = await createTestBed({ stores: [deep] });
    const store = bed.clients[0]!.store(deep);
    for (const args of [
      [['__proto__', 'polluted'], true],
      [['constructor', 'prototype', 'polluted'], true],
    ] as const) {
      const error = await rejection(spawn(store, 'setIn', args as never));
      expect(isStateSyncError(error, 'invalid_option')).toBe(true);
      expect(error).toMatchObject({ reason: 'unsafe_key' });
    }
    expect(await rejection(spawn(store, 'put', ['__proto__', { polluted: true }]))).toMatchObject({
      reason: 'unsafe_key',
    });
    // Straight onto the link, past the client's own check: the authority refuses it too.
    const raw = bed.hub.connect();
    const answers: Record<string, unknown>[] = [];
    raw.subscribe((message) => answers.push(message as Record<string, unknown>));
    raw.send({ v: 1, type: 'hello', app: 'test-app', version: '0', clientId: 'hostile' });
    const args = [JSON.parse('{"__proto__": {"polluted": true}}'), 1];
    raw.send({ v: 1, type: 'call', id: 'c1', topic: 'test-app/deep', action: 'put', args });
    raw.send({
      v: 1,
      type: 'call',
      id: 'c2',
      topic: 'test-app/deep',
      action: 'setIn',
      args: [['__proto__', 'polluted'], true],
    });
    await until(() => answers.filter((m) => m.type === 'result').length === 2, 'two answers');
    for (const answer of answers.filter((m) => m.type === 'result')) {
      expect(answer.error).toMatchObject({ code: 'invalid_option', reason: 'unsafe_key' });
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(bed.server.store(deep).getState()).toEqual({ map: {} });
    expect(bed.server.store(deep).status.getState().localRevision).toBe('0');
  });

  it('an action that makes such a key itself: the change is refused, the state kept', async () => {
    bed = await createTestBed({ stores: [deep] });
    const error = await rejection(spawn(bed.clients[0]!.store(deep), 'putOwn', ['type']));
    expect(error).toMatchObject({ code: 'invalid_option', reason: 'unsafe_key' });
    expect(Object.keys(bed.server.store(deep).getState().map)).toEqual([]);
  });
});

describe('raw errors where typed ones are promised', () => {
  const nested = (depth: number) => {
    const root: Record<string, unknown> = {};
    let at = root;
    for (let i = 0; i < depth; i++) at = at.a = {};
    return root;
  };

  it('a value 20,000 deep is not_cloneable, for assertCloneable and for spawn', async () => {
    let thrown: unknown;
    try {
      assertCloneable(nested(20_000), 'deep');
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'not_cloneable')).toBe(true);
    bed = await createTestBed({ stores: [deep] });
    const viaClient = await rejection(
      spawn(bed.clients[0]!.store(deep), 'put', ['k', nested(20_000)]),
    );
    expect(isStateSyncError(viaClient, 'not_cloneable')).toBe(true);
    const viaServer = await rejection(spawn(bed.server.store(deep), 'put', ['k', nested(20_000)]));
    expect(isStateSyncError(viaServer, 'not_cloneable')).toBe(true);
  });

  it('malformed tags on an extension port reach onError as protocol errors', async () => {
    const runtime = runtimeStandIn();
    const errors: SharedErrorContext[] = [];
    const logged: string[] = [];
    const logger = { ...quiet, warn: (message: string) => logged.push(message) };
    const server = createSharedApp({
      stores: [counter],
      share: {
        name: 'ext',
        port: 'server',
        type: 'Extension',
        transport: createExtensionServerTransport({ runtime: runtime.background, logger }),
      },
      logger: quiet,
      onError: (context) => errors.push(context),
    });
    apps.push(server);
    const port = runtime.page.connect({ name: 'statesync' });
    for (const bad of [{ $sj: 'bigint', v: 'zz' }, { $sj: 'map', v: 5 }, { $sj: 'nope' }]) {
      port.postMessage({
        v: 1,
        type: 'hello',
        app: 'ext',
        version: '0',
        clientId: 'x',
        extra: bad,
      });
    }
    await until(() => errors.length === 3, 'three reports');
    expect(errors.map((context) => `${context.phase}:${context.error.code}`)).toEqual([
      'message:protocol',
      'message:protocol',
      'message:protocol',
    ]);
    expect(errors[0]!.error.message).toMatch(/malformed JSON tag "bigint"/);
    expect(logged.filter((line) => /could not be decoded/.test(line))).toEqual([]);
    port.disconnect();
  });

  it('{ v: 1 } without a type is a malformed message, not an unsupported version', async () => {
    const errors: SharedErrorContext[] = [];
    bed = await createTestBed({ stores: [counter], onError: (context) => errors.push(context) });
    const raw = bed.hub.connect();
    raw.subscribe(() => {});
    raw.send({ v: 1 });
    await until(() => errors.length === 1, 'the report');
    expect(errors[0]!.error.code).toBe('protocol');
    expect(errors[0]!.error.message).toMatch(/malformed message: type must be a string/);
    expect(errors[0]!.error.message).not.toMatch(/not supported/);
  });
});
