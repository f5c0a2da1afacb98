import { describe, expect, it } from 'vitest';
import { createMemoryHub, isStateSyncError } from '../src/index.js';
import { describeTransportConformance } from './conformance/transport-conformance.js';
import { errorLogger } from './fixtures.js';

describeTransportConformance('memory hub', () => createMemoryHub());
describeTransportConformance(
  'memory hub without cloning',
  () => createMemoryHub({ clone: false }),
  {
    clones: false,
  },
);

/** Lets every queued microtask (the hub's deliveries) run. */
const delivered = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createMemoryHub', () => {
  it('delivers asynchronously, not inside send', async () => {
    const hub = createMemoryHub();
    const [a, b] = [hub.connect(), hub.connect()];
    const received: unknown[] = [];
    b.subscribe((message) => received.push(message));
    a.send('x');
    expect(received).toEqual([]);
    await delivered();
    expect(received).toEqual(['x']);
  });

  it('gives each receiving end its own copy', async () => {
    const hub = createMemoryHub();
    const [a, b, c] = [hub.connect(), hub.connect(), hub.connect()];
    const received: unknown[] = [];
    b.subscribe((message) => received.push(message));
    c.subscribe((message) => received.push(message));
    a.send({ n: 1 });
    await delivered();
    expect(received).toHaveLength(2);
    expect(received[0]).not.toBe(received[1]);
  });

  it('without cloning, passes the very object and accepts functions', async () => {
    const hub = createMemoryHub({ clone: false });
    const [a, b] = [hub.connect(), hub.connect()];
    const received: unknown[] = [];
    b.subscribe((message) => received.push(message));
    const message = { run: () => 1 };
    a.send(message);
    await delivered();
    expect(received[0]).toBe(message);
  });

  it.each([
    ['a nested function', { data: { list: [0, { fn: () => 1 }] } }, 'message.data.list[1].fn'],
    ['a symbol', { tag: Symbol('t') }, 'message.tag'],
    ['a WeakMap inside a Map', { m: new Map([['k', new WeakMap()]]) }, 'message.m[map value 0]'],
    ['a bare function', () => 1, 'message'],
  ])('names the path of %s it cannot clone', (_label, message, path) => {
    const a = createMemoryHub().connect();
    let thrown: unknown;
    try {
      a.send(message);
    } catch (error) {
      thrown = error;
    }
    expect(isStateSyncError(thrown, 'not_cloneable')).toBe(true);
    expect((thrown as Error).message.startsWith(`${path} cannot be structured-cloned`)).toBe(true);
    expect((thrown as Error).cause).toBeInstanceOf(Error);
  });

  it('reports a throwing listener to the logger instead of as an uncaught exception', async () => {
    const { logger, errors } = errorLogger();
    const hub = createMemoryHub({ logger });
    const [a, b] = [hub.connect(), hub.connect()];
    const bug = new Error('listener bug');
    const after: unknown[] = [];
    b.subscribe(() => {
      throw bug;
    });
    b.subscribe((message) => after.push(message));
    a.send('m');
    await delivered();
    expect(after).toEqual(['m']);
    expect(errors).toEqual([{ message: 'transport listener threw', error: bug }]);
  });

  it('treats the same function subscribed twice as two subscriptions', async () => {
    const hub = createMemoryHub();
    const [a, b] = [hub.connect(), hub.connect()];
    const received: unknown[] = [];
    const listener = (message: unknown) => received.push(message);
    const off1 = b.subscribe(listener);
    b.subscribe(listener);
    off1();
    a.send('m');
    await delivered();
    expect(received).toEqual(['m']);
  });

  it('counts ends, not listeners, and refuses subscribe after close', () => {
    const hub = createMemoryHub();
    const [a, b] = [hub.connect(), hub.connect()];
    a.subscribe(() => {});
    a.subscribe(() => {});
    expect(hub.openCount()).toBe(1);
    b.subscribe(() => {});
    expect(hub.openCount()).toBe(2);
    a.close();
    expect(hub.openCount()).toBe(1);
    expect(() => a.subscribe(() => {})).toThrowError(expect.objectContaining({ code: 'stopped' }));
    b.close();
    expect(hub.openCount()).toBe(0);
  });

  it('keeps separate hubs apart', async () => {
    const [one, two] = [createMemoryHub(), createMemoryHub()];
    const received: unknown[] = [];
    two.connect().subscribe((message) => received.push(message));
    one.connect().send('m');
    await delivered();
    expect(received).toEqual([]);
  });
});
