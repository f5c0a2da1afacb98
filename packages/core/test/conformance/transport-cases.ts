/**
 * The behaviour every statesync transport must show, as one suite written against a small
 * test API (`describe`, `it`, hooks, `expect`): vitest runs it in Node
 * (`transport-conformance.ts`), and `browser-runner.ts` runs the very same cases inside
 * Chromium for media only a browser has. Only the public `@statesync/core` entry is used, so the
 * suite runs the same against the sources and against a build.
 */
import {
  applyPatch,
  createAuthority,
  createRevisionSync,
  createTransportProvider,
  createTransportSubscriber,
  isStateSyncError,
  type PatchEnvelope,
  type RevisionSyncHandle,
  type SnapshotEnvelope,
  serveAuthority,
  type Transport,
} from '@statesync/core';
import { createVirtualClock } from '@statesync/core/testing';
import type { ExpectStatic } from 'vitest';

type TestBody = (context: { skip(note?: string): never }) => Promise<void>;

/** The part of a test framework the suite uses: vitest's, or the browser runner's. */
export interface SuiteApi {
  describe(name: string, body: () => void): void;
  it: ((name: string, body: TestBody) => void) & {
    runIf(condition: boolean): (name: string, body: TestBody) => void;
  };
  beforeEach(hook: () => void): void;
  afterEach(hook: () => Promise<void>): void;
  expect: ExpectStatic;
}

/** One medium under test, made fresh for every test. */
export interface TransportUnderTest {
  /**
   * A new end of the medium: what one end sends reaches every other end. May resolve later,
   * for media where an end exists only once its peer answered (a service worker's links).
   */
  connect(): Transport | Promise<Transport>;
  /** How many ports are open on the medium; 0 once every end unsubscribed or closed. */
  openCount?(): number;
  /** Releases the medium after the test, once every end was closed. */
  cleanup?(): Promise<void> | void;
}

export interface ConformanceOptions {
  /**
   * The transport structured-clones messages (BroadcastChannel, MessagePort, the memory hub),
   * so receivers get copies and uncloneable values fail. @default true
   */
  clones?: boolean;
  /** How long to wait for a delivery before failing, in real milliseconds. @default 2000 */
  deliveryTimeoutMs?: number;
}

/** One real macrotask: every microtask queued before it has run. */
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof globalThis.setImmediate === 'function') globalThis.setImmediate(resolve);
    else globalThis.setTimeout(resolve, 0);
  });
}

/** A listener that records what it receives. */
function recorder() {
  const received: unknown[] = [];
  const listener = (message: unknown) => {
    received.push(message);
  };
  /** What arrived, without the barrier markers. */
  const messages = () => received.filter((message) => !isMarker(message));
  return { received, listener, messages };
}

interface Marker {
  conformanceMarker: number;
}

function isMarker(value: unknown): value is Marker {
  return typeof value === 'object' && value !== null && 'conformanceMarker' in value;
}

/** Declares the suite for one medium with `api`; `factory` makes a fresh medium per test. */
export function transportConformance(
  api: SuiteApi,
  name: string,
  factory: () => TransportUnderTest,
  options: ConformanceOptions = {},
): void {
  const { describe, it, beforeEach, afterEach, expect } = api;
  const clones = options.clones ?? true;
  const timeoutMs = options.deliveryTimeoutMs ?? 2000;

  describe(`transport conformance: ${name}`, () => {
    let medium: TransportUnderTest;
    let opened: Transport[];
    let markers = 0;

    const connect = async () => {
      const end = await medium.connect();
      opened.push(end);
      return end;
    };
    /** `count` ends, made one after the other. */
    const connectEnds = async (count: number) => {
      const ends: Transport[] = [];
      for (let i = 0; i < count; i++) ends.push(await connect());
      return ends as [Transport, Transport, Transport];
    };

    /** Waits, a macrotask at a time, until `condition` holds; fails after the timeout. */
    const waitFor = async (condition: () => boolean, what: string) => {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await macrotask();
      }
    };

    /**
     * Sends a marker from `from` and waits until `to` has it: whatever `from` sent before has
     * then had its chance to arrive at `to` (order is kept per sender).
     */
    const barrier = async (from: Transport, to: ReturnType<typeof recorder>) => {
      const marker: Marker = { conformanceMarker: ++markers };
      from.send(marker);
      await waitFor(
        () =>
          to.received.some((m) => isMarker(m) && m.conformanceMarker === marker.conformanceMarker),
        `barrier marker ${marker.conformanceMarker}`,
      );
    };

    beforeEach(() => {
      medium = factory();
      opened = [];
    });

    afterEach(async () => {
      for (const end of opened) end.close();
      if (medium.openCount) expect(medium.openCount()).toBe(0);
      await medium.cleanup?.();
    });

    it('delivers a message to every other end, never back to the sender', async () => {
      const [a, b, c] = await connectEnds(3);
      const [ra, rb, rc] = [recorder(), recorder(), recorder()];
      a.subscribe(ra.listener);
      b.subscribe(rb.listener);
      c.subscribe(rc.listener);
      a.send({ hello: 'world' });
      await waitFor(() => rb.messages().length > 0 && rc.messages().length > 0, 'delivery');
      // b answers after receiving, so by the time a has the answer its own message had its turn.
      await barrier(b, ra);
      expect(rb.messages()).toEqual([{ hello: 'world' }]);
      expect(rc.messages()).toEqual([{ hello: 'world' }]);
      expect(ra.messages()).toEqual([]);
    });

    it('delivers to every listener of an end', async () => {
      const [a, b] = await connectEnds(2);
      const [first, second] = [recorder(), recorder()];
      b.subscribe(first.listener);
      b.subscribe(second.listener);
      a.send(1);
      await barrier(a, second);
      expect(first.messages()).toEqual([1]);
      expect(second.messages()).toEqual([1]);
    });

    it('keeps the order of each sender', async () => {
      const [a, b, c] = await connectEnds(3);
      const rb = recorder();
      b.subscribe(rb.listener);
      for (let i = 0; i < 50; i++) {
        a.send({ from: 'a', i });
        c.send({ from: 'c', i });
      }
      await barrier(a, rb);
      await barrier(c, rb);
      const sequence = (from: string) =>
        (rb.messages() as { from: string; i: number }[])
          .filter((m) => m.from === from)
          .map((m) => m.i);
      const expected = Array.from({ length: 50 }, (_, i) => i);
      expect(sequence('a')).toEqual(expected);
      expect(sequence('c')).toEqual(expected);
    });

    it('does not throw when nobody listens', async () => {
      const a = await connect();
      await connect();
      expect(() => a.send({ alone: true })).not.toThrow();
    });

    it.runIf(clones)('gives receivers copies, taken at send time', async () => {
      const [a, b, c] = await connectEnds(3);
      const [rb, rc] = [recorder(), recorder()];
      b.subscribe(rb.listener);
      c.subscribe(rc.listener);
      const sent = { nested: { list: [1, 2] } };
      a.send(sent);
      sent.nested.list.push(3);
      await barrier(a, rb);
      await barrier(a, rc);
      const [atB] = rb.messages() as (typeof sent)[];
      const [atC] = rc.messages() as (typeof sent)[];
      expect(atB).toEqual({ nested: { list: [1, 2] } });
      expect(atB).not.toBe(sent);
      atB!.nested.list.push(99);
      expect(sent.nested.list).toEqual([1, 2, 3]);
      expect(atC).toEqual({ nested: { list: [1, 2] } });
    });

    it.runIf(clones)(
      'refuses an uncloneable message, naming where it is, and sends nothing',
      async () => {
        const [a, b] = await connectEnds(2);
        const rb = recorder();
        b.subscribe(rb.listener);
        let thrown: unknown;
        try {
          a.send({ data: { ok: 1, onChange: () => 1 } });
        } catch (error) {
          thrown = error;
        }
        expect(isStateSyncError(thrown, 'not_cloneable')).toBe(true);
        expect((thrown as Error).message).toMatch(/onChange/);
        await barrier(a, rb);
        expect(rb.messages()).toEqual([]);
      },
    );

    it('stops delivering to a listener once unsubscribed, even a message already sent', async () => {
      const [a, b] = await connectEnds(2);
      const [gone, stays] = [recorder(), recorder()];
      const off = b.subscribe(gone.listener);
      b.subscribe(stays.listener);
      a.send('before');
      off();
      a.send('after');
      await barrier(a, stays);
      expect(stays.messages()).toEqual(['before', 'after']);
      expect(gone.messages()).toEqual([]);
    });

    it('makes a second unsubscribe call harmless', async () => {
      const [a, b] = await connectEnds(2);
      const [first, second] = [recorder(), recorder()];
      const off = b.subscribe(first.listener);
      b.subscribe(second.listener);
      off();
      off();
      a.send('still here');
      await barrier(a, second);
      expect(second.messages()).toEqual(['still here']);
    });

    it('delivers nothing to an end closed after the send', async () => {
      const [a, b, c] = await connectEnds(3);
      const [rb, rc] = [recorder(), recorder()];
      b.subscribe(rb.listener);
      c.subscribe(rc.listener);
      a.send('late');
      c.close();
      await barrier(a, rb);
      expect(rb.messages()).toEqual(['late']);
      expect(rc.messages()).toEqual([]);
    });

    it('opens lazily and leaves nothing open after the last unsubscribe', async ({ skip }) => {
      if (!medium.openCount) return skip('the transport cannot count open ports');
      const [a, b] = await connectEnds(2);
      expect(medium.openCount()).toBe(0);
      const offA = a.subscribe(() => {});
      const offB1 = b.subscribe(() => {});
      const offB2 = b.subscribe(() => {});
      expect(medium.openCount()).toBeGreaterThan(0);
      offA();
      offB1();
      expect(medium.openCount()).toBeGreaterThan(0);
      offB2();
      expect(medium.openCount()).toBe(0);
    });

    it('leaves nothing open after close()', async ({ skip }) => {
      if (!medium.openCount) return skip('the transport cannot count open ports');
      const [a, b] = await connectEnds(2);
      a.subscribe(() => {});
      b.subscribe(() => {});
      a.close();
      b.close();
      expect(medium.openCount()).toBe(0);
    });

    it('throws a stopped error on send and subscribe after close, and close is idempotent', async () => {
      const [a, b, c] = await connectEnds(3);
      const rc = recorder();
      c.subscribe(rc.listener);
      a.close();
      expect(() => a.close()).not.toThrow();
      const thrownBy = (run: () => unknown) => {
        try {
          run();
        } catch (error) {
          return error;
        }
        return undefined;
      };
      expect(
        isStateSyncError(
          thrownBy(() => a.send('ghost')),
          'stopped',
        ),
      ).toBe(true);
      expect(
        isStateSyncError(
          thrownBy(() => a.subscribe(() => {})),
          'stopped',
        ),
      ).toBe(true);
      // The other ends are unaffected.
      b.send('alive');
      await barrier(b, rc);
      expect(rc.messages()).toEqual(['alive']);
    });

    it('keeps delivering to other listeners when one throws', async () => {
      const [a, b, c] = await connectEnds(3);
      const [rb, rc] = [recorder(), recorder()];
      let throws = 0;
      b.subscribe(() => {
        throws++;
        throw new Error('listener bug');
      });
      b.subscribe(rb.listener);
      c.subscribe(rc.listener);
      a.send(1);
      a.send(2);
      await barrier(a, rb);
      await barrier(a, rc);
      expect(throws).toBeGreaterThanOrEqual(2);
      expect(rb.messages()).toEqual([1, 2]);
      expect(rc.messages()).toEqual([1, 2]);
    });

    it('carries revision sync end to end, deltas and snapshots, to several clients', async () => {
      type Doc = { title: string; tags: string[] };
      const clock = createVirtualClock();
      const authority = createAuthority<Doc>({
        topic: 'doc',
        data: { title: 'draft', tags: [] },
        epoch: 'e1',
        now: clock.now,
      });
      const stopServing = serveAuthority(authority, await connect());

      const client = (end: Transport, patches: boolean) => {
        const mirror: { data: Doc | undefined; patched: number } = { data: undefined, patched: 0 };
        const applier: {
          apply(snapshot: SnapshotEnvelope<Doc>): void;
          applyPatch?(patch: PatchEnvelope): void;
        } = {
          apply: (snapshot) => {
            mirror.data = snapshot.data;
          },
        };
        if (patches) {
          applier.applyPatch = (patch) => {
            mirror.data = applyPatch(mirror.data, patch.ops);
            mirror.patched++;
          };
        }
        const errors: unknown[] = [];
        const handle: RevisionSyncHandle = createRevisionSync<Doc>({
          topic: 'doc',
          subscriber: createTransportSubscriber(end),
          provider: createTransportProvider<Doc>(end, 'doc'),
          applier,
          timers: clock,
          random: () => 0,
          // The clock stands still here; fetch on every event instead of debouncing.
          throttling: {},
          onError: (context) => errors.push(context),
        });
        return { handle, mirror, errors };
      };

      const b = client(await connect(), true);
      const c = client(await connect(), false);
      await Promise.all([b.handle.start(), c.handle.start()]);
      expect(b.mirror.data).toEqual({ title: 'draft', tags: [] });

      const converged = (x: ReturnType<typeof client>) =>
        x.handle.getLocalRevision() === authority.getRevision() &&
        JSON.stringify(x.mirror.data) === JSON.stringify(authority.getData());
      const bothConverged = () =>
        waitFor(() => converged(b) && converged(c), `convergence at ${authority.getRevision()}`);

      // One change at a time: b is always at the delta's base and patches in place.
      authority.set({ title: 'first', tags: [] });
      await bothConverged();
      authority.patch([{ op: 'add', path: ['tags', '-'], value: 'a' }]);
      await bothConverged();
      authority.patch([{ op: 'replace', path: ['title'], value: 'second' }]);
      await bothConverged();
      // A burst: deltas arrive while b is still behind, so it falls back to snapshots.
      authority.update((doc) => ({ ...doc, tags: [...doc.tags, 'b'] }));
      authority.patch([{ op: 'add', path: ['tags', 0], value: 'z' }]);
      authority.patch([{ op: 'remove', path: ['tags', 1] }]);
      authority.publish();
      await bothConverged();
      expect(authority.getRevision()).toBe('6');
      expect(b.mirror.data).toEqual({ title: 'second', tags: ['z', 'b'] });
      expect(c.mirror.data).toEqual(b.mirror.data);
      expect(b.mirror.patched).toBeGreaterThanOrEqual(2);
      expect(c.mirror.patched).toBe(0);
      expect([...b.errors, ...c.errors]).toEqual([]);

      await Promise.all([b.handle.stop(), c.handle.stop()]);
      stopServing();
    });
  });
}
