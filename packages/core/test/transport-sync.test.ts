import { describe, expect, it } from 'vitest';
import {
  createAuthority,
  createMemoryHub,
  createRevisionSync,
  createTransportProvider,
  createTransportSubscriber,
  type InvalidationEvent,
  isStateSyncError,
  PROTOCOL_VERSION,
  type SnapshotEnvelope,
  StateSyncError,
  serveAuthority,
  type Transport,
} from '../src/index.js';
import { createVirtualClock } from '../src/virtual-clock.js';
import { errorCollector, errorLogger, recordingApplier } from './fixtures.js';

type Doc = { title: string };

/** One macrotask: the hub's deliveries, and the replies they cause, have all run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const request = (signal = new AbortController().signal) => ({ topic: 'doc', signal });

async function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

function served(data: unknown = { title: 'hello' }) {
  const hub = createMemoryHub();
  const authority = createAuthority({ topic: 'doc', data: data as Doc, epoch: 'e1' });
  const server = hub.connect();
  const client = hub.connect();
  const stop = serveAuthority(authority, server);
  return { hub, authority, server, client, stop };
}

/** A hand-driven far end: records the pulls that reach it and answers as the test says. */
function manualServer(end: Transport) {
  const pulls: { id: string; topic: string }[] = [];
  end.subscribe((message) => {
    const m = message as { type?: string; id: string; topic: string };
    if (m.type === 'pull') pulls.push({ id: m.id, topic: m.topic });
  });
  const answer = (id: string, revision = '3') =>
    end.send({
      v: PROTOCOL_VERSION,
      type: 'snapshot',
      id,
      topic: 'doc',
      revision,
      data: { title: revision },
    });
  return { pulls, answer };
}

describe('createTransportProvider + serveAuthority', () => {
  it('answers a pull with the authority’s current snapshot', async () => {
    const { authority, client } = served();
    authority.set({ title: 'second' });
    const snapshot = await createTransportProvider<Doc>(client, 'doc').getSnapshot(request());
    expect(snapshot).toEqual({ revision: '1', epoch: 'e1', data: { title: 'second' } });
  });

  it('leaves out the epoch when the answer has none', async () => {
    const hub = createMemoryHub();
    const [server, client] = [hub.connect(), hub.connect()];
    const { pulls, answer } = manualServer(server);
    const pending = createTransportProvider<Doc>(client, 'doc').getSnapshot(request());
    await settle();
    answer(pulls[0]!.id, '4');
    expect(await pending).toEqual({ revision: '4', data: { title: '4' } });
  });

  it('answers only pulls for the authority’s own topic', async () => {
    const { client, hub } = served();
    const controller = new AbortController();
    const pending = outcome(
      createTransportProvider(client, 'other').getSnapshot(request(controller.signal)),
    );
    await settle();
    await settle();
    controller.abort(new StateSyncError('timeout', 'gave up'));
    expect(isStateSyncError((await pending).error, 'timeout')).toBe(true);
    expect(hub.openCount()).toBe(1); // only the server still listens
  });

  it('turns a failure on the authority side into a rejection with the original code', async () => {
    const authority = createAuthority<Doc>({ topic: 'doc', data: { title: 'x' } });
    const failing = {
      ...authority,
      getSnapshot: (): SnapshotEnvelope<Doc> => {
        throw new StateSyncError('storage', 'disk is gone');
      },
    };
    const hub = createMemoryHub();
    const [server, end] = [hub.connect(), hub.connect()];
    serveAuthority(failing, server);
    const { error } = await outcome(createTransportProvider(end, 'doc').getSnapshot(request()));
    expect(isStateSyncError(error, 'storage')).toBe(true);
    expect(error).toBeInstanceOf(StateSyncError);
    expect((error as StateSyncError).message).toBe('disk is gone');
    expect((error as StateSyncError).remoteName).toBe('StateSyncError');
  });

  it('rejects with not_cloneable when the snapshot cannot cross the boundary', async () => {
    const { client } = served({ title: 'x', onChange: () => {} });
    const { error } = await outcome(createTransportProvider(client, 'doc').getSnapshot(request()));
    expect(isStateSyncError(error, 'not_cloneable')).toBe(true);
    expect((error as Error).message).toMatch(/data\.onChange/);
  });

  it('keeps the name of a plain error thrown remotely, as a remote error', async () => {
    const hub = createMemoryHub();
    const [server, end] = [hub.connect(), hub.connect()];
    const authority = createAuthority<Doc>({ topic: 'doc', data: { title: 'x' } });
    serveAuthority(
      {
        ...authority,
        getSnapshot: () => {
          throw new TypeError('bad state');
        },
      },
      server,
    );
    const { error } = await outcome(createTransportProvider(end, 'doc').getSnapshot(request()));
    expect(isStateSyncError(error, 'remote')).toBe(true);
    expect(error).toMatchObject({ message: 'bad state', remoteName: 'TypeError' });
  });

  it('rejects a malformed pull-error as an error instead of throwing into the transport', async () => {
    const hub = createMemoryHub();
    const [server, client] = [hub.connect(), hub.connect()];
    const { pulls } = manualServer(server);
    const pending = outcome(createTransportProvider(client, 'doc').getSnapshot(request()));
    await settle();
    server.send({
      v: PROTOCOL_VERSION,
      type: 'pull-error',
      id: pulls[0]!.id,
      topic: 'doc',
      error: null,
    });
    const { error } = await pending;
    expect(isStateSyncError(error, 'protocol')).toBe(true);
  });

  it('aborts a pending pull and stops listening once no pull is pending', async () => {
    const hub = createMemoryHub();
    const client = hub.connect();
    const provider = createTransportProvider(client, 'doc');
    const first = new AbortController();
    const second = new AbortController();
    const a = outcome(provider.getSnapshot(request(first.signal)));
    const b = outcome(provider.getSnapshot(request(second.signal)));
    expect(hub.openCount()).toBe(1);
    const reason = new StateSyncError('timeout', 'too slow');
    first.abort(reason);
    expect((await a).error).toBe(reason);
    expect(hub.openCount()).toBe(1);
    second.abort(reason);
    expect((await b).error).toBe(reason);
    expect(hub.openCount()).toBe(0);
  });

  it('rejects at once, opening nothing, when the signal is already aborted', async () => {
    const hub = createMemoryHub();
    const controller = new AbortController();
    controller.abort(new StateSyncError('stopped', 'stopped'));
    const { error } = await outcome(
      createTransportProvider(hub.connect(), 'doc').getSnapshot(request(controller.signal)),
    );
    expect(isStateSyncError(error, 'stopped')).toBe(true);
    expect(hub.openCount()).toBe(0);
  });

  it('ignores a late answer to an aborted pull and answers the live one', async () => {
    const hub = createMemoryHub();
    const [server, client] = [hub.connect(), hub.connect()];
    const { pulls, answer } = manualServer(server);
    const provider = createTransportProvider<Doc>(client, 'doc');
    const aborted = new AbortController();
    const a = outcome(provider.getSnapshot(request(aborted.signal)));
    const b = provider.getSnapshot(request());
    await settle();
    aborted.abort(new Error('gone'));
    answer(pulls[0]!.id, '1');
    answer(pulls[1]!.id, '2');
    expect((await a).error).toEqual(new Error('gone'));
    expect((await b).revision).toBe('2');
    expect(hub.openCount()).toBe(1);
  });

  it('keeps a pull pending when other statesync messages carry its id', async () => {
    const hub = createMemoryHub();
    const [server, client] = [hub.connect(), hub.connect()];
    const { pulls, answer } = manualServer(server);
    let settled = false;
    const pending = createTransportProvider<Doc>(client, 'doc')
      .getSnapshot(request())
      .finally(() => {
        settled = true;
      });
    await settle();
    const id = pulls[0]!.id;
    server.send({ v: PROTOCOL_VERSION, type: 'result', id, revision: '1', epoch: 'e', value: 1 });
    server.send({ v: PROTOCOL_VERSION, type: 'pull', id, topic: 'doc' });
    await settle();
    expect(settled).toBe(false);
    answer(id, '7');
    expect((await pending).revision).toBe('7');
  });

  it('rejects with stopped, and leaves nothing open, on a closed transport', async () => {
    const hub = createMemoryHub();
    const client = hub.connect();
    client.close();
    const { error } = await outcome(createTransportProvider(client, 'doc').getSnapshot(request()));
    expect(isStateSyncError(error, 'stopped')).toBe(true);
    expect(hub.openCount()).toBe(0);
  });

  it('stops publishing and answering after serveAuthority’s stop', async () => {
    const { authority, client, hub, stop } = served();
    const events: InvalidationEvent[] = [];
    const off = createTransportSubscriber(client).subscribe((event) =>
      events.push(event),
    ) as () => void;
    authority.set({ title: 'one' });
    await settle();
    stop();
    stop();
    authority.set({ title: 'two' });
    await settle();
    expect(events.map((e) => e.revision)).toEqual(['1']);
    const controller = new AbortController();
    const pull = outcome(
      createTransportProvider(client, 'doc').getSnapshot(request(controller.signal)),
    );
    await settle();
    controller.abort(new Error('unanswered'));
    expect((await pull).error).toEqual(new Error('unanswered'));
    off();
    expect(hub.openCount()).toBe(0);
  });

  it('logs an invalidation it cannot send instead of throwing into the authority', async () => {
    const { logger, errors } = errorLogger();
    const hub = createMemoryHub();
    const authority = createAuthority<Record<string, unknown>>({ topic: 'doc', data: {} });
    serveAuthority(authority, hub.connect(), { logger });
    expect(() => authority.patch([{ op: 'add', path: ['fn'], value: () => 1 }])).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'serveAuthority could not send',
      type: 'invalidate',
    });
    expect(isStateSyncError((errors[0] as { error: unknown }).error, 'not_cloneable')).toBe(true);
  });
});

describe('createTransportSubscriber', () => {
  it('hands invalidations to the handler without the wire fields', async () => {
    const { authority, client } = served();
    const events: InvalidationEvent[] = [];
    createTransportSubscriber(client).subscribe((event) => events.push(event));
    authority.patch([{ op: 'replace', path: ['title'], value: 'x' }], { sourceId: 'w' });
    await settle();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ topic: 'doc', revision: '1', epoch: 'e1', sourceId: 'w' });
    expect(events[0]).not.toHaveProperty('v');
    expect(events[0]).not.toHaveProperty('type');
  });

  it('ignores foreign messages: other apps, other versions, other types', async () => {
    const hub = createMemoryHub();
    const [other, client] = [hub.connect(), hub.connect()];
    const events: unknown[] = [];
    createTransportSubscriber(client).subscribe((event) => events.push(event));
    for (const message of [
      'hello',
      null,
      42,
      ['invalidate'],
      { type: 'invalidate', topic: 'doc', revision: '5' },
      { v: 2, type: 'invalidate', topic: 'doc', revision: '5' },
      { v: '1', type: 'invalidate', topic: 'doc', revision: '5' },
      { v: PROTOCOL_VERSION, type: 'snapshot', id: 'x', topic: 'doc', revision: '5', data: 1 },
      { v: PROTOCOL_VERSION, type: 42 },
    ]) {
      other.send(message);
    }
    other.send({ v: PROTOCOL_VERSION, type: 'invalidate', topic: 'doc', revision: '6' });
    await settle();
    expect(events).toEqual([{ topic: 'doc', revision: '6' }]);
  });
});

describe('revision sync over a transport', () => {
  it('reports a malformed invalidate as a protocol error and keeps syncing', async () => {
    const clock = createVirtualClock();
    const { authority, client, hub } = served();
    const rogue = hub.connect();
    const record = recordingApplier<Doc>();
    const errors = errorCollector();
    const handle = createRevisionSync<Doc>({
      topic: 'doc',
      subscriber: createTransportSubscriber(client),
      provider: createTransportProvider<Doc>(client, 'doc'),
      applier: record.applier,
      onError: errors.onError,
      timers: clock,
    });
    await handle.start();
    expect(record.revisions()).toEqual(['0']);

    rogue.send({ v: PROTOCOL_VERSION, type: 'invalidate', topic: 'doc', revision: 5 });
    rogue.send({ v: PROTOCOL_VERSION, type: 'invalidate', topic: 'doc', revision: '01' });
    await clock.flush();
    expect(errors.codes()).toEqual(['protocol:protocol', 'protocol:protocol']);
    expect(errors.errors[0]?.sourceEvent).toEqual({ topic: 'doc', revision: 5 });

    authority.set({ title: 'after' });
    await clock.flush();
    expect(record.revisions()).toEqual(['0', '1']);
    expect(record.applied.at(-1)?.data).toEqual({ title: 'after' });
    expect(handle.status.getState().state).toBe('synced');
    await handle.stop();
  });

  it('leaves nothing open on the transport once stopped with a pull unanswered', async () => {
    const clock = createVirtualClock();
    const hub = createMemoryHub();
    const client = hub.connect();
    const handle = createRevisionSync<Doc>({
      topic: 'doc',
      subscriber: createTransportSubscriber(client),
      provider: createTransportProvider<Doc>(client, 'doc'),
      applier: recordingApplier<Doc>().applier,
      timers: clock,
    });
    const starting = handle.start();
    await clock.flush();
    expect(hub.openCount()).toBe(1); // the subscription and the pending pull share the end
    await handle.stop();
    await starting;
    expect(hub.openCount()).toBe(0);
    expect(clock.pendingCount()).toBe(0);
  });

  it('recovers through a restarted authority whose counter went back', async () => {
    const clock = createVirtualClock();
    const { authority, client } = served();
    const record = recordingApplier<Doc>();
    const handle = createRevisionSync<Doc>({
      topic: 'doc',
      subscriber: createTransportSubscriber(client),
      provider: createTransportProvider<Doc>(client, 'doc'),
      applier: record.applier,
      timers: clock,
    });
    await handle.start();
    for (let i = 0; i < 5; i++) authority.set({ title: `v${i}` });
    await clock.flush();
    expect(handle.getLocalRevision()).toBe('5');
    authority.restart({ data: { title: 'reborn' }, revision: '1', epoch: 'e2' });
    await clock.advance(100); // past the default debounce: the restart came within a burst
    expect(handle.getLocalRevision()).toBe('1');
    expect(handle.status.getState().epoch).toBe('e2');
    expect(record.applied.at(-1)?.data).toEqual({ title: 'reborn' });
    await handle.stop();
  });
});
